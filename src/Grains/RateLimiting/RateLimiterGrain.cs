using Alerts.Grains.Hosting;
using Alerts.Grains.Interfaces;
using Alerts.Grains.Interfaces.Model;
using Microsoft.Extensions.Options;

namespace Alerts.Grains.RateLimiting;

/// <summary>
/// Owns one endpoint's budget in memory: it is soft state, relearned within seconds if the grain
/// moves, so it is not worth a storage write per lease.
/// </summary>
public sealed class RateLimiterGrain(IOptions<RateLimitOptions> options, TimeProvider time) : Grain, IRateLimiterGrain
{
    private readonly RateBudget _budget = new(options.Value, time.GetUtcNow());

    public Task<LeaseGrant> LeaseAsync(LeaseRequest request) => Task.FromResult(_budget.Lease(request, time.GetUtcNow()));

    public Task<RateLimiterStats> GetStatsAsync() => Task.FromResult(_budget.Stats());
}
