using System.Threading.RateLimiting;

namespace Alerts.Notifier.Hosting;

/// <summary>
/// An exact sliding-window limit: at most <c>permitLimit</c> requests in any <c>window</c>, kept as the
/// times of the last <c>permitLimit</c> accepted requests. The built-in window limiters replenish on a
/// 100 ms timer and lose permits whenever it fires late (measured: a client paced at 900/s against a
/// 1,000/s limit got 10 % 429s), which would make the receiver stricter than it says it is.
/// </summary>
internal sealed class SlidingLogLimiter(int permitLimit, TimeSpan window, TimeProvider time) : RateLimiter
{
    private readonly long[] _acceptedAt = new long[permitLimit]; // a ring: the slot at _next is the oldest
    private readonly Lock _lock = new();
    private int _next;
    private long _lastAcquired;

    public override TimeSpan? IdleDuration => _lastAcquired == 0 ? null : time.GetElapsedTime(Interlocked.Read(ref _lastAcquired));

    public override RateLimiterStatistics? GetStatistics() => null;

    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        if (permitCount > permitLimit) throw new ArgumentOutOfRangeException(nameof(permitCount));
        lock (_lock)
        {
            var now = time.GetTimestamp();
            var oldest = _acceptedAt[_next];
            var age = time.GetElapsedTime(oldest, now);
            if (oldest != 0 && age < window) return Lease.Refused(window - age);
            if (permitCount == 0) return Lease.Granted;
            _acceptedAt[_next] = now;
            _next = (_next + 1) % permitLimit;
            Interlocked.Exchange(ref _lastAcquired, now);
            return Lease.Granted;
        }
    }

    protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken) =>
        ValueTask.FromResult(AttemptAcquireCore(permitCount));

    private sealed class Lease(bool acquired, TimeSpan? retryAfter) : RateLimitLease
    {
        public static readonly Lease Granted = new(true, null);

        public static Lease Refused(TimeSpan retryAfter) => new(false, retryAfter);

        public override bool IsAcquired => acquired;

        public override IEnumerable<string> MetadataNames => retryAfter is null ? [] : [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = retryAfter;
            return retryAfter is not null && metadataName == MetadataName.RetryAfter.Name;
        }
    }
}
