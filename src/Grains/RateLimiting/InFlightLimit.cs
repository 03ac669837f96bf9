namespace Alerts.Grains.RateLimiting;

/// <summary>
/// How many requests may be out at the webhook at once: twice what its latency needs at the rate being spent (Little's
/// law), and never fewer than <see cref="Floor"/>. Pacing alone bounds when requests leave, not when the receiver takes
/// them: one that stalls (a cold start, a GC pause) would be sent the whole rate meanwhile and take it at once when it
/// goes on, a burst far past the budget that its window limiter refuses. Until the first answer the latency is unknown
/// and only the floor may be out. Thread-safe.
/// </summary>
public sealed class InFlightLimit
{
    public const int Floor = 8;
    private const double Headroom = 2;
    private const double Weight = 0.1; // of each answer in the smoothed latency
    private readonly Lock _lock = new();
    private int _inFlight;
    private double _latencySeconds; // smoothed; 0 until the first answer

    /// <summary>Requests permitted and not yet answered.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>The smoothed time from permit to answer; zero until the first answer.</summary>
    public TimeSpan Latency
    {
        get
        {
            lock (_lock) return TimeSpan.FromSeconds(_latencySeconds);
        }
    }

    /// <summary>A permit was taken: its request counts as out until answered or given up.</summary>
    public void Sent() => Interlocked.Increment(ref _inFlight);

    /// <summary>A request came back (any answer, or none before its timeout) after <paramref name="latency"/>.</summary>
    public void Answered(TimeSpan latency)
    {
        Interlocked.Decrement(ref _inFlight);
        var seconds = Math.Max(0, latency.TotalSeconds);
        lock (_lock) _latencySeconds = _latencySeconds == 0 ? seconds : _latencySeconds + Weight * (seconds - _latencySeconds);
    }

    /// <summary>A permit was taken but nothing was sent on it.</summary>
    public void NotSent() => Interlocked.Decrement(ref _inFlight);

    /// <summary>The most requests that may be out at <paramref name="ratePerSecond"/>.</summary>
    public int Limit(double ratePerSecond)
    {
        double latency;
        lock (_lock) latency = _latencySeconds;
        return Floor + (int)Math.Min(int.MaxValue / 2, Math.Ceiling(Headroom * Math.Max(0, ratePerSecond) * latency));
    }

    /// <summary>How many more may go now at <paramref name="ratePerSecond"/>.</summary>
    public int Room(double ratePerSecond) => Math.Max(0, Limit(ratePerSecond) - InFlight);
}
