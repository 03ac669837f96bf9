namespace Alerts.Grains.Files;

/// <summary>
/// Alerts settled per second over the last <see cref="Window"/>, from samples of a running count: what the status page
/// shows as the rate and divides the rest by for the ETA. The average since the file was found misleads: it counts the
/// slow start, and any pause, for ever (68/s shown while 93/s arrived, an ETA of 394 s for 285). Held in memory: a new
/// activation starts without samples, and until it has two seconds of them the caller falls back to that average.
/// </summary>
public sealed class RecentRate
{
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan ShortestSpan = TimeSpan.FromSeconds(2);
    private readonly Queue<(DateTimeOffset At, long Count)> _samples = new();
    private (DateTimeOffset At, long Count) _last;

    /// <summary>The count at <paramref name="at"/>; samples older than the window are forgotten, but the newest of those is kept as a base.</summary>
    public void Add(DateTimeOffset at, long count)
    {
        if (_samples.Count > 0 && _last.At >= at) return;
        _samples.Enqueue(_last = (at, count));
        while (_samples.Count > 2 && at - _samples.ElementAt(1).At >= Window) _samples.Dequeue();
    }

    /// <summary>Per second over the samples' span up to <paramref name="now"/>; null until they span two seconds.</summary>
    public double? PerSecond(DateTimeOffset now)
    {
        if (_samples.Count < 2) return null;
        var (firstAt, firstCount) = _samples.Peek();
        var (lastAt, lastCount) = _last;
        var span = lastAt - firstAt;
        return span < ShortestSpan || now - lastAt > Window ? null : Math.Max(0, lastCount - firstCount) / span.TotalSeconds;
    }
}
