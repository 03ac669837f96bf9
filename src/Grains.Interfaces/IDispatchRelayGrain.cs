using Alerts.Grains.Interfaces.Model;

namespace Alerts.Grains.Interfaces;

/// <summary>
/// One per silo, keyed by the silo's address: takes a segment's alerts for every user whose home is that silo in one
/// message and hands each user its own on the spot, so a dispatch crosses between silos once per batch, not once per user.
/// </summary>
[Alias("alerts.IDispatchRelayGrain")]
public interface IDispatchRelayGrain : IGrainWithStringKey
{
    /// <summary>Dispatches each user's alerts (one list per user) to that user's grain. One-way, as the dispatch it carries.</summary>
    [Orleans.Concurrency.OneWay]
    Task DispatchAsync(IReadOnlyList<IReadOnlyList<Alert>> byUser);
}
