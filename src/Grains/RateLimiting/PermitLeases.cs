using Alerts.Grains.Common;
using Alerts.Grains.Delivery;
using Alerts.Grains.Hosting;
using Alerts.Grains.Interfaces;
using Alerts.Grains.Interfaces.Model;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Alerts.Grains.RateLimiting;

/// <summary>
/// This silo's holder of webhook permits. It leases them in batches from the endpoint's
/// <see cref="IRateLimiterGrain"/> a few times a second (never per alert), hands them out evenly
/// over the lease period, and reports back how the requests fared. Permits left unspent at the end
/// of a lease expire: letting them pile up would let the silo burst past the budget later.
/// </summary>
public sealed partial class PermitLeases(
    IGrainFactory grains,
    ILocalSiloDetails silo,
    IOptions<WebhookOptions> webhook,
    TimeProvider time,
    ILogger<PermitLeases> log) : BackgroundService, IWebhookPermits
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(5);
    private static readonly TimeSpan Idle = TimeSpan.FromSeconds(1);
    private readonly SemaphoreSlim _permits = new(0);
    private readonly SemaphoreSlim _hurry = new(0);
    private int _waiting, _used, _answered, _throttled;
    private long _retryAfterTicks;

    public async ValueTask WaitAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Increment(ref _waiting) == 1) Hurry();
        try
        {
            await _permits.WaitAsync(cancellationToken);
            Interlocked.Increment(ref _used);
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }
    }

    // A 429 is reported at once; other results with the next lease.
    public void Report(WebhookResult result)
    {
        if (result.Status != 429)
        {
            Interlocked.Increment(ref _answered);
            return;
        }
        var retryAfter = (result.RetryAfter ?? TimeSpan.Zero).Ticks;
        long seen;
        while (retryAfter > (seen = Interlocked.Read(ref _retryAfterTicks)) && Interlocked.CompareExchange(ref _retryAfterTicks, retryAfter, seen) != seen) { }
        Interlocked.Increment(ref _throttled);
        Hurry();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var limiter = grains.GetGrain<IRateLimiterGrain>(webhook.Value.Url);
        while (!stoppingToken.IsCancellationRequested)
        {
            if (Volatile.Read(ref _waiting) == 0 && Volatile.Read(ref _throttled) == 0)
            {
                await _hurry.WaitAsync(Idle, stoppingToken); // nothing to send: no lease, so busy silos get the whole budget
                continue;
            }
            try
            {
                var grant = await limiter.LeaseAsync(TakeReport());
                AlertsMetrics.PermitsLeased.Add(grant.Permits);
                if (grant.Pause > TimeSpan.Zero) await Task.Delay(grant.Pause, time, stoppingToken);
                else await SpendAsync(grant, stoppingToken);
            }
            catch (Exception error) when (!stoppingToken.IsCancellationRequested)
            {
                LogLeaseFailed(error); // the limiter's silo may have just died; its grain comes back elsewhere
                await Task.Delay(webhook.Value.RequestTimeout / 10, time, stoppingToken);
            }
        }
    }

    private LeaseRequest TakeReport()
    {
        var used = Interlocked.Exchange(ref _used, 0);
        var retryAfter = Interlocked.Exchange(ref _retryAfterTicks, 0);
        return new LeaseRequest
        {
            SiloId = silo.SiloAddress.ToString(),
            Wanted = 2 * (used + Volatile.Read(ref _waiting)) + 1,
            Answered = Interlocked.Exchange(ref _answered, 0),
            Throttled = Interlocked.Exchange(ref _throttled, 0),
            RetryAfter = retryAfter > 0 ? TimeSpan.FromTicks(retryAfter) : null,
        };
    }

    /// <summary>
    /// Releases the lease's permits evenly over its period; stops early when a 429 needs reporting. Permits
    /// nobody takes at once are dropped beyond a small slack: piled up, they would go out later as a burst.
    /// </summary>
    private async Task SpendAsync(LeaseGrant grant, CancellationToken stoppingToken)
    {
        var start = time.GetTimestamp();
        var slack = Math.Max(1, grant.Permits / 20);
        var released = 0;
        while (true)
        {
            var elapsed = time.GetElapsedTime(start);
            var due = elapsed >= grant.Period ? grant.Permits : (int)(grant.Permits * (elapsed / grant.Period));
            var room = Math.Min(due - released, slack - _permits.CurrentCount);
            if (room > 0) _permits.Release(room);
            released = due;
            if (elapsed >= grant.Period || Volatile.Read(ref _throttled) > 0) break;
            await Task.Delay(Tick, time, stoppingToken);
        }
        while (_permits.Wait(0)) { } // unspent: expired with the lease
    }

    private void Hurry()
    {
        if (_hurry.CurrentCount == 0) _hurry.Release();
    }

    [LoggerMessage(LogLevel.Warning, "Leasing webhook permits failed; trying again")]
    private partial void LogLeaseFailed(Exception error);

    public override void Dispose()
    {
        _permits.Dispose();
        _hurry.Dispose();
        base.Dispose();
    }
}
