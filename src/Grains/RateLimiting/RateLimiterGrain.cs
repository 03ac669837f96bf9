using Alerts.Grains.Hosting;
using Alerts.Grains.Interfaces;
using Alerts.Grains.Interfaces.Model;
using Microsoft.Extensions.Options;

namespace Alerts.Grains.RateLimiting;

/// <summary>
/// Owns one endpoint's budget and circuit in memory: soft state, relearned within seconds if the grain
/// moves, so it is not worth a storage write per lease. While the circuit is open it decides the leases.
/// </summary>
public sealed class RateLimiterGrain(IOptions<RateLimitOptions> options, IOptions<CircuitOptions> circuit, TimeProvider time) : Grain, IRateLimiterGrain
{
    private readonly RateBudget _budget = new(options.Value, time.GetUtcNow());
    private readonly WebhookCircuit _circuit = new(circuit.Value);

    public Task<LeaseGrant> LeaseAsync(LeaseRequest request)
    {
        var now = time.GetUtcNow();
        _circuit.Observe(request, now);
        return Task.FromResult(_circuit.Lease(request, options.Value.LeasePeriod, now) ?? _budget.Lease(request, now));
    }

    public Task<RateLimiterStats> GetStatsAsync() => Task.FromResult(_budget.Stats() with { EndpointDown = _circuit.IsOpen });
}
