using Alerts.Grains.Interfaces.Model;

namespace Alerts.Grains.Notifications;

/// <summary>
/// A user's durable delivery records by alert id (final outcomes, pruned to a retention window and
/// a cap) and the alerts backing off, kept whole so that a restarted silo resumes their back-off.
/// </summary>
[GenerateSerializer, Alias("alerts.UserState")]
public sealed class UserState
{
    [Id(0)] public Dictionary<string, DeliveryRecord> Deliveries { get; set; } = [];
    [Id(1)] public Dictionary<string, RetryingAlert> Retrying { get; set; } = [];

    /// <summary>Trims to <paramref name="cap"/> once the records pass it by a tenth, so the cost is paid rarely, not per delivery.</summary>
    public void Prune(DateTimeOffset now, TimeSpan retention, int cap)
    {
        if (Deliveries.Count <= cap + cap / 10) return;
        var expired = Deliveries.Values.Where(r => now - r.At > retention).Select(r => r.AlertId).ToList();
        foreach (var id in expired) Deliveries.Remove(id);
        if (Deliveries.Count <= cap) return;
        foreach (var record in Deliveries.Values.OrderBy(r => r.At).Take(Deliveries.Count - cap).ToList())
            Deliveries.Remove(record.AlertId);
    }
}

/// <summary>An alert between attempts: the alert itself, its last attempt's record, and when it was first tried.</summary>
[GenerateSerializer, Immutable, Alias("alerts.RetryingAlert")]
public sealed record RetryingAlert(
    [property: Id(0)] Alert Alert,
    [property: Id(1)] DeliveryRecord Record,
    [property: Id(2)] DateTimeOffset FirstAttemptAt);
