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
/// another), the silo goes on at the share it was last granted, for at most <see cref="FallbackFor"/>: each silo's
/// share, so never above the budget in sum. Nothing is released while the silo cannot confirm it is still a member
/// (<see cref="SiloLiveness"/>) or its records store hangs: what it sent then could be sent again by another silo.
/// </summary>
public sealed partial class PermitLeases(
    IGrainFactory grains,
    ILocalSiloDetails silo,
    IOptions<WebhookOptions> webhook,
    SiloLiveness liveness,
    DeliveryRecords records,
    WebhookRecovery recovery,
    TimeProvider time,
    ILogger<PermitLeases> log) : BackgroundService, IWebhookPermits, IPermitHolder
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(5);
    private static readonly TimeSpan Idle = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan EarlyAskSpacing = TimeSpan.FromMilliseconds(50); // 429s that keep coming: a report at most this often
    private const double AskAhead = 0.25; // of a lease period: far more than a lease call takes, even on busy cores
    private static readonly TimeSpan LeaseTimeout = TimeSpan.FromSeconds(1); // a lease answers in milliseconds while the limiter's silo does
    /// <summary>How long a silo goes on at its last share without an answer from the limiter: eviction and reactivation take about 15 s.</summary>
    public static readonly TimeSpan FallbackFor = TimeSpan.FromSeconds(30);
    /// <summary>A records commit waiting this long means Redis is out of reach (normally a few milliseconds).</summary>
    public static readonly TimeSpan RecordsHangLimit = TimeSpan.FromMilliseconds(100);
    private readonly PermitQueue _permits = new();
    private readonly InFlightLimit _inFlight = new();
    private readonly SemaphoreSlim _hurry = new(0);
    private readonly SlidingCount _sent = new(time), _passed = new(time);
    private int _waiting, _used, _answered, _throttled, _failed;
    private long _retryAfterTicks, _lastThrottledSentAtTicks;
    private volatile bool _endpointDown;
    private readonly OperatorHolds _holds = new();
    private IPermitHolder? _holder; // this, as the limiter reaches it
    private double _clusterRate;
    private LeaseGrant? _lastShare; // the last lease the limiter granted that was not a pause
    private long _lastShareAt;
    private volatile bool _fallingBack;
    private volatile bool _inSplit; // asked for permits since it last said it wants none
    private volatile bool _fenced; // as the lease loop last saw: it then asks for nothing

    public bool EndpointDown => _endpointDown;

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
    public bool MaySend => FenceReason() is null;

    private string? FenceReason() =>
        !liveness.Confirmed ? "this silo cannot confirm it is still a member of the cluster (cut off, or declared dead)"
        : records.Hanging(RecordsHangLimit) ? $"its delivery records store has not answered for over {RecordsHangLimit.TotalMilliseconds:N0} ms"
        : null;

    // Logged once each way: an operator sees when and why a silo stopped sending, and when it went on.
    private bool Fenced()
    {
        var reason = FenceReason();
        if ((reason is not null) != _fenced)
        {
            if (reason is not null) LogFenced(reason, _sent.LastSecond());
            else LogUnfenced();
        }
        return _fenced = reason is not null;
    }

    public async ValueTask WaitAsync(long age, CancellationToken cancellationToken = default)
    {
        if (Interlocked.Increment(ref _waiting) == 1) Hurry();
        try
        {
            await _permits.WaitAsync(age, cancellationToken).ConfigureAwait(false);
            Interlocked.Increment(ref _used);
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
        _sent.Add();
        if (result.Status != 429)
        {
            if (result.Status is not null) _passed.Add();
            if (RetryPolicy.IsTransient(result.Status)) Interlocked.Increment(ref _failed);
            Interlocked.Increment(ref _answered);
            if (_endpointDown) Hurry();
            return;
        }
        RaiseTo(ref _retryAfterTicks, (result.RetryAfter ?? TimeSpan.Zero).Ticks);
        RaiseTo(ref _lastThrottledSentAtTicks, sentAt.UtcTicks);
        Interlocked.Increment(ref _throttled);
        Hurry();
    }

    public void NotSent() => _inFlight.NotSent();

    private static void RaiseTo(ref long field, long value)
    {
        long seen;
        while (value > (seen = Interlocked.Read(ref field)) && Interlocked.CompareExchange(ref field, value, seen) != seen) { }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        AlertsMetrics.ObserveCircuit(() => _endpointDown);
        AlertsMetrics.ObserveClusterRate(() => Volatile.Read(ref _clusterRate));
        AlertsMetrics.ObserveLimiterFallback(() => _fallingBack);
        var limiter = grains.GetGrain<IRateLimiterGrain>(webhook.Value.Url);
        _holder = grains.CreateObjectReference<IPermitHolder>(this);
        Task<LeaseGrant>? next = null; // asked for before the current lease ends, so that no gap opens between leases
        while (!stoppingToken.IsCancellationRequested)
        {
            if (next is null && Volatile.Read(ref _waiting) == 0 && Volatile.Read(ref _throttled) == 0 && !_holds.AnyWaiting)
            {
                if (_inSplit) SayGoodbye(limiter); // nothing to send: its part of the budget goes to the busy silos at once
                await _hurry.WaitAsync(Idle, stoppingToken);
                continue;
            }
            try
            {
                var asked = next ?? limiter.LeaseAsync(TakeReport());
                next = null;
                var grant = await AnswerAsync(asked);
                if (grant is null)
                {
                    // The limiter does not answer: the same call stays out (no pile of calls to a silo that is not there).
                    next = asked;
                    if (Fallback() is not { } share)
                    {
                        await Task.Delay(webhook.Value.RequestTimeout / 10, time, stoppingToken);
                        continue;
                    }
                    next = await SpendAsync(share, () => asked, stoppingToken) ?? asked;
                    continue;
                }
                Heard(grant);
                if (grant.Pause > TimeSpan.Zero)
                {
                    if (!grant.DeliveryPaused) AlertsMetrics.Pauses.Add(1);
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

    /// <summary>The limiter's answer, waited for up to <see cref="LeaseTimeout"/> (not at all while falling back); null if none came.</summary>
    private async Task<LeaseGrant?> AnswerAsync(Task<LeaseGrant> asked)
    {
        if (!asked.IsCompleted)
        {
            if (_fallingBack) return null;
            try
            {
                await asked.WaitAsync(LeaseTimeout, time);
            }
            catch (TimeoutException)
            {
                return null;
            }
        }
        var grant = await asked;
        AlertsMetrics.PermitsLeased.Add(grant.Permits);
        return grant;
    }

    private void Heard(LeaseGrant grant)
    {
        if (_fallingBack) LogLimiterBack();
        _fallingBack = false;
        if (grant.EndpointDown != _endpointDown)
        {
            if (grant.EndpointDown) LogEndpointDown(webhook.Value.Url);
            else
            {
                LogEndpointBack(webhook.Value.Url);
                recovery.Back(time.GetUtcNow());
            }
        }
        _endpointDown = grant.EndpointDown;
        if (grant.Holds is { } holds) HearHolds(holds);
        Volatile.Write(ref _clusterRate, grant.EndpointDown ? 0 : grant.ClusterRate);
        (_lastShare, _lastShareAt) = grant.Pause > TimeSpan.Zero || grant.EndpointDown ? (null, 0) : (grant, time.GetTimestamp());
    }

    /// <summary>The share last granted, to spend while the limiter does not answer; null when there is none to go on with.</summary>
    private LeaseGrant? Fallback()
    {
        if (_lastShare is not { } share || time.GetElapsedTime(_lastShareAt) > FallbackFor || Volatile.Read(ref _throttled) > 0 || _holds.AllPaused)
        {
            if (_fallingBack) LogFallbackOver(FallbackFor);
            _fallingBack = false;
            return null;
        }
        if (!_fallingBack) LogFallingBack(share.Permits / share.Period.TotalSeconds);
        _fallingBack = true;
        return share;
    }

    private LeaseRequest TakeReport()
    {
        _inSplit = !_fenced;
        var used = Interlocked.Exchange(ref _used, 0);
        var retryAfter = Interlocked.Exchange(ref _retryAfterTicks, 0);
        var throttledSentAt = Interlocked.Exchange(ref _lastThrottledSentAtTicks, 0);
        return new LeaseRequest
        {
            SiloId = silo.SiloAddress.ToString(),
            Silo = silo.SiloAddress,
            Holder = _holder,
            Wanted = _fenced ? 0 : 2 * (used + Volatile.Read(ref _waiting)) + 1, // fenced, it takes no share from the others
            Answered = Interlocked.Exchange(ref _answered, 0),
            Throttled = Interlocked.Exchange(ref _throttled, 0),
            Failed = Interlocked.Exchange(ref _failed, 0),
            RetryAfter = retryAfter > 0 ? TimeSpan.FromTicks(retryAfter) : null,
            LastThrottledSentAt = throttledSentAt > 0 ? new DateTimeOffset(throttledSentAt, TimeSpan.Zero) : null,
            SentLastSecond = _sent.LastSecond(),
            PassedLastSecond = _passed.LastSecond(),
        };
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
            if (next is null && !_fallingBack && Volatile.Read(ref _throttled) > 0 && elapsed - askedEarlyAt >= EarlyAskSpacing)
                (next, early, askedEarlyAt) = (askNext(), true, elapsed);
            if (next is null && grant.Period - elapsed <= AskAhead * grant.Period && Volatile.Read(ref _waiting) > 0) next = askNext();
            // An early ask that the limiter does not answer holds this lease no longer than any other ask would.
            if (elapsed >= grant.Period && (!early || elapsed >= grant.Period + LeaseTimeout)) break;
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

    [LoggerMessage(LogLevel.Warning, "The rate limiter does not answer (its silo may be frozen or cut off): this silo goes on at its last share, {Rate:F0}/s, until it answers or the cluster moves it")]
    private partial void LogFallingBack(double rate);

    [LoggerMessage(LogLevel.Warning, "The rate limiter has not answered for {Limit}: this silo sends nothing until it does")]
    private partial void LogFallbackOver(TimeSpan limit);

    [LoggerMessage(LogLevel.Warning, "Sending paused: {Reason} ({Sent} requests in the last second)")]
    private partial void LogFenced(string reason, int sent);

    [LoggerMessage(LogLevel.Warning, "Sending resumed")]
    private partial void LogUnfenced();

    [LoggerMessage(LogLevel.Warning, "Delivery is paused by an operator: alerts wait, spending no attempts")]
    private partial void LogDeliveryPaused();

    [LoggerMessage(LogLevel.Information, "Delivery resumed")]
    private partial void LogDeliveryResumed();

    [LoggerMessage(LogLevel.Information, "The rate limiter answers again")]
    private partial void LogLimiterBack();

    [LoggerMessage(LogLevel.Warning, "Leasing webhook permits failed; trying again")]
    private partial void LogLeaseFailed(Exception error);

    public override void Dispose()
    {
        _hurry.Dispose();
        base.Dispose();
    }
}
