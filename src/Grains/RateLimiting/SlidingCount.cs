namespace Alerts.Grains.RateLimiting;

/// <summary>
/// Events counted over the last second, in twenty 50 ms buckets: how many requests this silo sent,
/// and how many the receiver let through, in the second before a 429. Thread-safe; cheap enough per request.
/// </summary>
public sealed class SlidingCount(TimeProvider time)
{
    private const int Buckets = 20;
    private static readonly long BucketTicks = TimeSpan.FromSeconds(1).Ticks / Buckets;
    private readonly int[] _counts = new int[Buckets];
    private readonly long[] _slotOf = new long[Buckets]; // which 50 ms slot since the epoch each bucket holds
    private readonly Lock _lock = new();

    public void Add()
    {
        var slot = Slot();
        lock (_lock)
        {
            var i = (int)(slot % Buckets);
            if (_slotOf[i] != slot)
            {
                _slotOf[i] = slot;
                _counts[i] = 0;
            }
            _counts[i]++;
        }
    }

    /// <summary>Events in the last second (the current bucket and the nineteen before it).</summary>
    public int LastSecond()
    {
        var slot = Slot();
        lock (_lock)
        {
            var sum = 0;
            for (var i = 0; i < Buckets; i++)
                if (slot - _slotOf[i] < Buckets) sum += _counts[i];
            return sum;
        }
    }

    private long Slot() => time.GetUtcNow().UtcTicks / BucketTicks;
}
