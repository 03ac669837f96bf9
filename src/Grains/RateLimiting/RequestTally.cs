using Alerts.Grains.Delivery;
using Alerts.Grains.Interfaces.Model;

namespace Alerts.Grains.RateLimiting;

/// <summary>
/// How this silo's requests fared since its last lease: counted by every sender as answers come, taken whole by the
/// lease loop into its next request to the limiter. Thread-safe.
/// </summary>
public sealed class RequestTally(TimeProvider time)
{
    private readonly SlidingCount _sent = new(time), _passed = new(time);
    private int _used, _answered, _throttled, _failed;
    private long _retryAfterTicks, _lastThrottledSentAtTicks;

    /// <summary>Whether a 429 came since the last report: the limiter must hear of it at once.</summary>
    public bool Throttled => Volatile.Read(ref _throttled) > 0;

    /// <summary>Requests sent in the last second, whatever came of them.</summary>
    public int SentLastSecond => _sent.LastSecond();

    /// <summary>A permit was taken.</summary>
    public void Used() => Interlocked.Increment(ref _used);

    /// <summary>Counts an answer (or none: a failed connection); returns whether it was a 429.</summary>
    public bool Answered(WebhookResult result, DateTimeOffset sentAt)
    {
        _sent.Add();
        if (result.Status != 429)
        {
            if (result.Status is not null) _passed.Add();
            if (RetryPolicy.IsTransient(result.Status)) Interlocked.Increment(ref _failed);
            Interlocked.Increment(ref _answered);
            return false;
        }
        RaiseTo(ref _retryAfterTicks, (result.RetryAfter ?? TimeSpan.Zero).Ticks);
        RaiseTo(ref _lastThrottledSentAtTicks, sentAt.UtcTicks);
        Interlocked.Increment(ref _throttled);
        return true;
    }

    /// <summary>
    /// The counts since the last report, in <paramref name="request"/>, and starts counting afresh. A silo asks for
    /// twice what it used and has waiting, and one more; fenced, it asks for none and takes no share from the others.
    /// </summary>
    public LeaseRequest Take(LeaseRequest request, int waiting, bool fenced)
    {
        var used = Interlocked.Exchange(ref _used, 0);
        var retryAfter = Interlocked.Exchange(ref _retryAfterTicks, 0);
        var throttledSentAt = Interlocked.Exchange(ref _lastThrottledSentAtTicks, 0);
        return request with
        {
            Wanted = fenced ? 0 : 2 * (used + waiting) + 1,
            Answered = Interlocked.Exchange(ref _answered, 0),
            Throttled = Interlocked.Exchange(ref _throttled, 0),
            Failed = Interlocked.Exchange(ref _failed, 0),
            RetryAfter = retryAfter > 0 ? TimeSpan.FromTicks(retryAfter) : null,
            LastThrottledSentAt = throttledSentAt > 0 ? new DateTimeOffset(throttledSentAt, TimeSpan.Zero) : null,
            SentLastSecond = _sent.LastSecond(),
            PassedLastSecond = _passed.LastSecond(),
        };
    }

    private static void RaiseTo(ref long field, long value)
    {
        long seen;
        while (value > (seen = Interlocked.Read(ref field)) && Interlocked.CompareExchange(ref field, value, seen) != seen) { }
    }
}
