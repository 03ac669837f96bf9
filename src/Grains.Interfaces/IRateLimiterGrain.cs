using Alerts.Grains.Interfaces.Model;

namespace Alerts.Grains.Interfaces;

/// <summary>
/// The cluster-wide send budget of one webhook endpoint (key: the endpoint's URL). Silos lease
/// permits in batches a few times a second, reporting what their last lease achieved, so the grain
/// shares the budget among the silos with work and cuts it when the receiver answers 429.
/// </summary>
[Alias("alerts.IRateLimiterGrain")]
public interface IRateLimiterGrain : IGrainWithStringKey
{
    Task<LeaseGrant> LeaseAsync(LeaseRequest request);

    /// <summary>What an operator paused (see <see cref="IDeliveryControlGrain"/>): all delivery (no permits), or some files.</summary>
    Task SetPausedAsync(DeliveryHolds holds);

    [Orleans.Concurrency.AlwaysInterleave]
    Task<RateLimiterStats> GetStatsAsync();
}
