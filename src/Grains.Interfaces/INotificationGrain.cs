using Alerts.Grains.Interfaces.Model;

namespace Alerts.Grains.Interfaces;

/// <summary>
/// One user's alerts, keyed by user id: dedupes by alert id, delivers to the webhook and confirms each
/// outcome back to the file. Dispatch is one-way; delivery happens outside the caller's turn.
/// </summary>
[Alias("alerts.INotificationGrain")]
public interface INotificationGrain : IGrainWithStringKey
{
    /// <summary>
    /// Accepts alerts for this user. One-way: each alert's outcome reaches its segment as a confirmation, whether it is
    /// delivered or dead now, was decided before, is a duplicate row (another row of the same file carries the same
    /// alert), or is handed back unsent (the grain was stopping: dispatch it again). Dispatching an alert again is safe.
    /// </summary>
    [Orleans.Concurrency.OneWay]
    Task DispatchAsync(IReadOnlyList<Alert> alerts);

    /// <summary>This user's delivery records in the listed files (delivered, dead-lettered, retrying, in flight), newest 1,000 first.</summary>
    [Orleans.Concurrency.ReadOnly]
    Task<IReadOnlyList<DeliveryRecord>> GetDeliveriesAsync();
}
