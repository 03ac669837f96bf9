using Alerts.Grains.Interfaces.Model;

namespace Alerts.Grains.Interfaces;

/// <summary>
/// One user's alerts, keyed by user id: dedupes by alert id, delivers to the webhook and confirms each
/// outcome back to the file. Dispatch returns at once; delivery happens outside the caller's turn.
/// </summary>
[Alias("alerts.INotificationGrain")]
public interface INotificationGrain : IGrainWithStringKey
{
    /// <summary>
    /// Accepts alerts for this user and answers at once with what its memory knows, per alert:
    /// <see cref="DispatchOutcome.Queued"/> (a confirmation will follow, also for an alert whose record is still to be
    /// looked up and turns out to be decided), <see cref="DispatchOutcome.Delivered"/> or
    /// <see cref="DispatchOutcome.DeadLettered"/> (decided before; no confirmation follows), or
    /// <see cref="DispatchOutcome.DuplicateRow"/> (another row of the same file carries the same alert).
    /// </summary>
    Task<DispatchOutcome[]> DispatchAsync(IReadOnlyList<Alert> alerts);

    /// <summary>This user's delivery records in the listed files (delivered, dead-lettered, retrying, in flight), newest 1,000 first.</summary>
    [Orleans.Concurrency.ReadOnly]
    Task<IReadOnlyList<DeliveryRecord>> GetDeliveriesAsync();
}
