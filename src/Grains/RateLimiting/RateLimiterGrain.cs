using Alerts.Grains.Common;
using Alerts.Grains.Hosting;
using Alerts.Grains.Interfaces;
using Alerts.Grains.Interfaces.Model;
using Microsoft.Extensions.Options;

namespace Alerts.Grains.RateLimiting;

/// <summary>
/// Owns one endpoint's budget and circuit in memory: soft state, relearned within seconds if the grain
/// moves, so it is not worth a storage write per lease. While the circuit is open it decides the leases.
/// A silo the cluster has declared dead (it was frozen or cut off, and its work went to others) gets nothing, and while
/// an operator has paused delivery nobody does: the grain asks what is paused when it starts (for at most 2 s, so that a
/// frozen silo holding the switches cannot hold up the leases) and every 3 s.
/// </summary>
public sealed class RateLimiterGrain(IOptions<RateLimitOptions> options, IOptions<CircuitOptions> circuit, IClusterMembershipService membership,
    TimeProvider time) : Grain, IRateLimiterGrain
{
    private static readonly TimeSpan DeadSiloPause = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan SiloIdleAfter = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan AskAgainWhetherPaused = TimeSpan.FromSeconds(3); // in case news of a change was lost
    private static readonly TimeSpan TellingAtMost = TimeSpan.FromMilliseconds(500); // a silo that does not answer hears at its next lease
    private static readonly TimeSpan AskingAtMost = TimeSpan.FromSeconds(2); // the switches' silo may be frozen: leases must not wait on it
    private DeliveryHolds _holds = DeliveryHolds.None;
    // Each silo's last request, and when: its address, its permit holder, its load.
    private readonly Dictionary<string, (LeaseRequest Report, DateTimeOffset At)> _reports = [];
    private MembershipVersion _seenVersion = MembershipVersion.MinValue;

    private readonly RateBudget _budget = new(options.Value, time.GetUtcNow());
    private readonly WebhookCircuit _circuit = new(circuit.Value);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await AskWhetherPausedAsync(cancellationToken);
        // Interleaved: a slow answer must not hold up the leases.
        this.RegisterGrainTimer(AskWhetherPausedAsync, new GrainTimerCreationOptions(AskAgainWhetherPaused, AskAgainWhetherPaused) { Interleave = true });
        AlertsMetrics.LimiterActivated();
    }

    private IDeliveryControlGrain Control => GrainFactory.GetGrain<IDeliveryControlGrain>(0);

    private async Task AskWhetherPausedAsync(CancellationToken cancellationToken)
    {
        try
        {
            Hold(await Control.GetHoldsAsync().WaitAsync(AskingAtMost, cancellationToken));
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            // its silo or storage may be out of reach: asked again at the next tick
        }
    }

    public async Task SetPausedAsync(DeliveryHolds holds)
    {
        Hold(holds);
        // Every silo is told now, not at its next lease, and the operator's call returns once they have applied it.
        await Task.WhenAll(_reports.Values.Select(r => r.Report.Holder).OfType<IPermitHolder>().Select(holder => TellAsync(holder, holds)));
    }

    private static async Task TellAsync(IPermitHolder holder, DeliveryHolds holds)
    {
        try
        {
            await holder.HoldsChangedAsync(holds).WaitAsync(TellingAtMost);
        }
        catch (Exception error) when (error is not OutOfMemoryException)
        {
            // its silo is gone or frozen: it hears at its next lease, and a dead one gets none
        }
    }

    private void Hold(DeliveryHolds holds)
    {
        if (holds.Version >= _holds.Version) _holds = holds;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        AlertsMetrics.LimiterDeactivated();
        return Task.CompletedTask;
    }

    public Task<LeaseGrant> LeaseAsync(LeaseRequest request)
    {
        var now = time.GetUtcNow();
        _reports[request.SiloId] = (request, now);
        ForgetDeadSilos();
        if (request.Silo is { } silo && membership.CurrentSnapshot.GetSiloStatus(silo) == SiloStatus.Dead)
            return Task.FromResult(new LeaseGrant(0, options.Value.LeasePeriod, DeadSiloPause));
        _circuit.Observe(request, now);
        if (request.Wanted <= 0) return Task.FromResult(_budget.Lease(request, now) with { EndpointDown = _circuit.IsOpen }); // fenced: no probe either
        var grant = _holds.All
            ? new LeaseGrant(0, options.Value.LeasePeriod, options.Value.LeasePeriod, _circuit.IsOpen, ClusterRate: 0, DeliveryPaused: true)
            : _circuit.Lease(request, options.Value.LeasePeriod, now) ?? _budget.Lease(request, now);
        return Task.FromResult(grant with { Holds = _holds.Version > 0 ? _holds : null });
    }

    // A silo keeps its part of the split while it is silent (it may be spending its last share on its own), but not once
    // the cluster has declared it dead: then its part goes to the others.
    private void ForgetDeadSilos()
    {
        var snapshot = membership.CurrentSnapshot;
        if (snapshot.Version == _seenVersion) return;
        _seenVersion = snapshot.Version;
        foreach (var id in _reports.Where(r => r.Value.Report.Silo is { } silo && snapshot.GetSiloStatus(silo) == SiloStatus.Dead).Select(r => r.Key).ToList())
        {
            _budget.Forget(id);
            _reports.Remove(id);
        }
    }

    public Task<RateLimiterStats> GetStatsAsync()
    {
        var stats = _budget.Stats();
        var now = time.GetUtcNow();
        var silos = _reports.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => new SiloLoad
        {
            Silo = r.Key,
            // A silo with nothing to send stops asking: what it last said of its second is old news.
            SentPerSecond = now - r.Value.At <= SiloIdleAfter ? r.Value.Report.SentLastSecond : 0,
            AnsweredPerSecond = now - r.Value.At <= SiloIdleAfter ? r.Value.Report.PassedLastSecond : 0,
            ActiveUsers = r.Value.Report.ActiveUsers,
            PermitsGranted = stats.Granted.GetValueOrDefault(r.Key),
        });
        return Task.FromResult(stats with { EndpointDown = _circuit.IsOpen, Silos = [.. silos] });
    }
}
