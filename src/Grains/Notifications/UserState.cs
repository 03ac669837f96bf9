using Alerts.Grains.Interfaces.Model;

namespace Alerts.Grains.Notifications;

/// <summary>A user's durable delivery records, by alert id, pruned to a retention window and a cap.</summary>
[GenerateSerializer, Alias("alerts.UserState")]
public sealed class UserState
{
    [Id(0)] public Dictionary<string, DeliveryRecord> Deliveries { get; set; } = [];

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
