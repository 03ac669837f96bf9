using Alerts.Grains.Common;
using Alerts.Grains.Delivery;
using Alerts.Grains.Hosting;
using Alerts.Grains.Interfaces;
using Alerts.Grains.Interfaces.Model;
using Alerts.Grains.Records;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Alerts.Grains.RateLimiting;

/// <summary>
/// This silo's holder of webhook permits. It leases them in batches from the endpoint's
/// <see cref="IRateLimiterGrain"/> a few times a second (never per alert), hands them out evenly
/// over the lease period, and reports back how the requests fared. Permits left unspent at the end
/// of a lease expire: letting them pile up would let the silo burst past the budget later.
/// While the limiter does not answer (its silo frozen or cut off, until the cluster evicts it and it comes back on
/// another), the silo goes on at the share it was last granted (<see cref="LimiterFallback"/>). Nothing is released
/// while <see cref="SendingFence"/> says the silo may not send.
/// </summary>
public sealed partial class PermitLeases(
    IGrainFactory grains,
    ILocalSiloDetails silo,
    IOptions<WebhookOptions> webhook,
    SendingFence fence,
    WebhookRecovery recovery,
    TimeProvider time,
    LimiterFallback fallback,
    Notifications.ActiveUsers users,
    ILogger<PermitLeases> log) : BackgroundService, IWebhookPermits, IPermitHolder
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(5);
    private static readonly TimeSpan Idle = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan EarlyAskSpacing = TimeSpan.FromMilliseconds(50); // 429s that keep coming: a report at most this often
    private const double AskAhead = 0.25; // of a lease period: far more than a lease call takes, even on busy cores
    private readonly PermitQueue _permits = new();
    private readonly InFlightLimit _inFlight = new();
    private readonly SemaphoreSlim _hurry = new(0);
    private readonly RequestTally _tally = new(time);
    private int _waiting;
    private readonly OperatorHolds _holds = new();
    private IPermitHolder? _holder; // this, as the limiter reaches it
    private double _clusterRate;
    private volatile bool _inSplit; // asked for permits since it last said it wants none

    public bool EndpointDown => recovery.Down;
    public bool DeliveryPaused => _holds.AllPaused;
    public bool IsFilePaused(string fileId) => _holds.IsHeld(fileId);
    public bool IsFileCancelled(string fileId) => _holds.IsCancelled(fileId);
    public bool IsFileUrgent(string fileId) => _holds.IsUrgent(fileId);

    public ValueTask WhileFilePausedAsync(string fileId, CancellationToken cancellationToken = default) =>
        _holds.WhileHeldAsync(fileId, Hurry, cancellationToken); // the first to wait wakes an idle lease loop: it must hear of the resume

    /// <summary>The limiter says at once that an operator paused, resumed, cancelled or prioritised delivery or a file.</summary>
    public Task HoldsChangedAsync(DeliveryHolds holds)
    {
        HearHolds(holds);
        return Task.CompletedTask;
    }

    private void HearHolds(DeliveryHolds holds)
    {
        if (!_holds.Hear(holds)) return;
        if (_holds.AllPaused) LogDeliveryPaused();
        else LogDeliveryResumed();
        Hurry();
    }

    /// <summary>Whether a request may go now: this silo is confirmed a member and its records store keeps up.</summary>
    public bool MaySend => fence.MaySend;

    private bool Fenced() => fence.Check(_tally.SentLastSecond);

    public async ValueTask WaitAsync(long age, CancellationToken cancellationToken = default)
    {
        if (Interlocked.Increment(ref _waiting) == 1) Hurry();
        try
        {
            await _permits.WaitAsync(age, cancellationToken).ConfigureAwait(false);
            _tally.Used();
            _inFlight.Sent();
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }
    }

    // A 429 is reported at once, and so is any result while the circuit is open (it may be the probe's);
    // other results with the next lease.
    public void Report(WebhookResult result, DateTimeOffset sentAt)
    {
        _inFlight.Answered(time.GetUtcNow() - sentAt);
        if (_tally.Answered(result, sentAt) || recovery.Down) Hurry();
    }

    public void NotSent() => _inFlight.NotSent();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        AlertsMetrics.ObserveCircuit(() => recovery.Down);
        AlertsMetrics.ObserveClusterRate(() => Volatile.Read(ref _clusterRate));
        AlertsMetrics.ObserveLimiterFallback(() => fallback.Active);
        var limiter = grains.GetGrain<IRateLimiterGrain>(webhook.Value.Url);
        _holder = grains.CreateObjectReference<IPermitHolder>(this);
        Task<LeaseGrant>? next = null; // asked for before the current lease ends, so that no gap opens between leases
        while (!stoppingToken.IsCancellationRequested)
        {
            if (next is null && Volatile.Read(ref _waiting) == 0 && !_tally.Throttled && !_holds.AnyWaiting)
            {
                if (_inSplit) SayGoodbye(limiter); // nothing to send: its part of the budget goes to the busy silos at once
                await _hurry.WaitAsync(Idle, stoppingToken);
                continue;
            }
            try
            {
                var asked = next ?? limiter.LeaseAsync(TakeReport());
                next = null;
                var grant = await fallback.AnswerAsync(asked);
                if (grant is null)
                {
                    // The limiter does not answer: the same call stays out (no pile of calls to a silo that is not there).
                    next = asked;
                    if (fallback.Share(_tally.Throttled, _holds.AllPaused) is not { } share)
                    {
                        await Task.Delay(webhook.Value.RequestTimeout / 10, time, stoppingToken);
                        continue;
                    }
                    next = await SpendAsync(share, () => asked, stoppingToken) ?? asked;
                    continue;
                }
                AlertsMetrics.PermitsLeased.Add(grant.Permits);
                Heard(grant);
                if (grant.Pause > TimeSpan.Zero)
                {
                    if (!grant.DeliveryPaused && !grant.EndpointDown) AlertsMetrics.Pauses.Add(1); // a 429's pause, not an operator's or the circuit's
                    await Task.Delay(grant.Pause, time, stoppingToken);
                }
                else next = await SpendAsync(grant, () => limiter.LeaseAsync(TakeReport()), stoppingToken);
            }
            catch (Exception error) when (!stoppingToken.IsCancellationRequested)
            {
                next = null;
                LogLeaseFailed(error); // the limiter's silo may have just died; its grain comes back elsewhere
                await Task.Delay(webhook.Value.RequestTimeout / 10, time, stoppingToken);
            }
        }
    }

    // A request for nothing takes this silo out of the split (the limiter keeps a silent silo's part for a while, as
    // it may be spending it on its own); it reports the last results too.
    private void SayGoodbye(IRateLimiterGrain limiter)
    {
        var goodbye = TakeReport() with { Wanted = 0 };
        _inSplit = false;
        _ = limiter.LeaseAsync(goodbye).ContinueWith(
            goodbye => LogLeaseFailed(goodbye.Exception!), CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
    }

    private void Heard(LeaseGrant grant)
    {
        fallback.Heard(grant);
        if (recovery.Heard(grant.EndpointDown, time.GetUtcNow()))
        {
            if (grant.EndpointDown) LogEndpointDown(webhook.Value.Url);
            else LogEndpointBack(webhook.Value.Url);
        }
        if (grant.Holds is { } holds) HearHolds(holds);
        Volatile.Write(ref _clusterRate, grant.EndpointDown ? 0 : grant.ClusterRate);
    }

    private LeaseRequest TakeReport()
    {
        _inSplit = !fence.Fenced;
        return _tally.Take(new LeaseRequest { SiloId = silo.SiloAddress.ToString(), Silo = silo.SiloAddress, Holder = _holder, ActiveUsers = users.Count }, Volatile.Read(ref _waiting), fence.Fenced);
    }

    /// <summary>
    /// Releases the lease's permits as <see cref="LeasePacing"/> says, and asks for the next lease when
    /// <see cref="AskAhead"/> of it is left (while there is work), so the next one is at hand when this one
    /// ends. A 429 is reported at once, by asking early: if the limiter pauses everyone, the lease ends there;
    /// if not (429s it takes as scattered), the early grant is spent with this one, so frequent 429s cost no
    /// permits. Permits released and not taken when the lease ends expire with it.
    /// </summary>
    /// <returns>The next lease, if it was asked for.</returns>
    private async Task<Task<LeaseGrant>?> SpendAsync(LeaseGrant grant, Func<Task<LeaseGrant>> askNext, CancellationToken stoppingToken)
    {
        var start = time.GetTimestamp();
        var pacing = new LeasePacing(grant.Permits, grant.Period);
        Task<LeaseGrant>? next = null;
        var early = false;
        var askedEarlyAt = -EarlyAskSpacing;
        while (true)
        {
            var elapsed = time.GetElapsedTime(start);
            if (early && next!.IsCompleted)
            {
                // Paused everyone: not one more request. Failed: the lease loop takes it from here, as with any lease.
                // Answered after this lease's period: it is the next lease, spent over a period of its own, not all at once.
                if (!next.IsCompletedSuccessfully || next.Result.Pause > TimeSpan.Zero || elapsed >= grant.Period) break;
                AlertsMetrics.PermitsLeased.Add(next.Result.Permits);
                pacing.Add(next.Result.Permits);
                (next, early) = (null, false);
            }
            var room = Fenced() || _holds.AllPaused ? 0 : pacing.Room(_permits.Waiting, _permits.Available, _inFlight.Room(pacing.Rate));
            var (release, dropped) = pacing.Due(elapsed, room);
            if (release > 0) _permits.Release(release);
            if (dropped > 0) AlertsMetrics.PermitsUnused.Add(dropped);
            if (next is null && !fallback.Active && _tally.Throttled && elapsed - askedEarlyAt >= EarlyAskSpacing)
                (next, early, askedEarlyAt) = (askNext(), true, elapsed);
            if (next is null && grant.Period - elapsed <= AskAhead * grant.Period && Volatile.Read(ref _waiting) > 0) next = askNext();
            // An early ask that the limiter does not answer holds this lease no longer than any other ask would.
            if (elapsed >= grant.Period && (!early || elapsed >= grant.Period + LimiterFallback.LeaseTimeout)) break;
            await Task.Delay(Tick, time, stoppingToken);
        }
        var expired = pacing.Unreleased; // a pause ended the lease early
        while (_permits.TryTake()) expired++; // released but not taken: expired with the lease
        if (expired > 0) AlertsMetrics.PermitsUnused.Add(expired);
        return next;
    }

    private void Hurry()
    {
        if (_hurry.CurrentCount == 0) _hurry.Release();
    }

    [LoggerMessage(LogLevel.Warning, "The webhook {Url} is failing as a whole (its circuit is open): alerts wait, spending no attempts, while one request at a time probes it")]
    private partial void LogEndpointDown(string url);
    [LoggerMessage(LogLevel.Information, "The webhook {Url} answers again (its circuit is closed): delivery resumes")]
    private partial void LogEndpointBack(string url);
    [LoggerMessage(LogLevel.Warning, "Delivery is paused by an operator: alerts wait, spending no attempts")]
    private partial void LogDeliveryPaused();
    [LoggerMessage(LogLevel.Information, "Delivery resumed")]
    private partial void LogDeliveryResumed();
    [LoggerMessage(LogLevel.Warning, "Leasing webhook permits failed; trying again")]
    private partial void LogLeaseFailed(Exception error);

    public override void Dispose()
    {
        _hurry.Dispose();
        base.Dispose();
    }
}
