using Alerts.Grains.Hosting;
using Alerts.Grains.Interfaces.Model;

namespace Alerts.Grains.RateLimiting;

/// <summary>
/// The arithmetic of a cluster-wide send budget, apart from any grain so that it can be tested on a
/// fake clock: a token bucket at an adaptive rate, split evenly among the silos asking for it.
/// On a 429 the rate becomes a fraction of what the receiver accepted in the last second (its limit,
/// measured) and the budget pauses for Retry-After; then it grows again, holds just under the
/// measured limit, and after a quiet spell probes past it (AIMD).
/// </summary>
public sealed class RateBudget
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan DefaultPause = TimeSpan.FromSeconds(1);
    private const double MinRate = 1;
    private const double LimitedBelow = 0.9;
    private const double MakeUpAtMost = 1.1; // lease periods
    private readonly RateLimitOptions _options;
    private readonly Queue<(DateTimeOffset At, int Count)> _answered = new();
    private readonly Dictionary<string, DateTimeOffset> _lastLease = [];
    private readonly Dictionary<string, long> _granted = [];
    private readonly Dictionary<string, double> _carried = [];
    private int _answeredInWindow;
    private double _tokens;
    private double _stepBase;
    private DateTimeOffset _refilledAt;
    private DateTimeOffset _pausedUntil = DateTimeOffset.MinValue;
    private DateTimeOffset _lastCutAt = DateTimeOffset.MinValue;

    public RateBudget(RateLimitOptions options, DateTimeOffset now)
    {
        _options = options;
        Rate = _stepBase = options.PermitsPerSecond;
        _tokens = options.EffectiveBurst;
        _refilledAt = now;
    }

    /// <summary>Permits per second granted now.</summary>
    public double Rate { get; private set; }

    /// <summary>The receiver's limit measured at the last 429, while it is held under.</summary>
    public double? Ceiling { get; private set; }

    public int Cuts { get; private set; }

    public LeaseGrant Lease(LeaseRequest request, DateTimeOffset now)
    {
        Observe(request, now);
        var sinceLast = _lastLease.TryGetValue(request.SiloId, out var last) ? now - last : _options.LeasePeriod;
        _lastLease[request.SiloId] = now;
        if (now < _pausedUntil) return new LeaseGrant(0, _options.LeasePeriod, _pausedUntil - now);
        Refill(now);
        var share = Share(sinceLast, now) + _carried.GetValueOrDefault(request.SiloId);
        var permits = (int)Math.Max(0, Math.Floor(Math.Min(Math.Min(request.Wanted, _tokens), share)));
        // Whole permits only: the fraction of a share is carried to the silo's next lease, never rounded up
        // (rounding up 19.5 to 20 five times a second turned a rate of 95 into 100).
        _carried[request.SiloId] = permits < request.Wanted && permits < Math.Floor(_tokens) ? share - permits : 0;
        _tokens -= permits;
        _granted[request.SiloId] = _granted.GetValueOrDefault(request.SiloId) + permits;
        return new LeaseGrant(permits, _options.LeasePeriod, TimeSpan.Zero);
    }

    public RateLimiterStats Stats() => new() { Rate = Rate, Ceiling = Ceiling, Granted = new Dictionary<string, long>(_granted), Cuts = Cuts };

    // A silo's fair part of what the rate yields over the time since its last lease. A silo that asked
    // late gets a little more for the time it lost, but little: what it makes up lands in the receiver's
    // next second on top of that second's share (holders ask ahead, so this is rare).
    private double Share(TimeSpan sinceLast, DateTimeOffset now)
    {
        foreach (var silo in _lastLease.Where(s => now - s.Value > Window).Select(s => s.Key).ToList())
        {
            _lastLease.Remove(silo);
            _carried.Remove(silo);
        }
        var period = Math.Min(sinceLast.TotalSeconds, MakeUpAtMost * _options.LeasePeriod.TotalSeconds);
        return Rate * period / _lastLease.Count;
    }

    private void Observe(LeaseRequest request, DateTimeOffset now)
    {
        if (request.Answered > 0)
        {
            _answered.Enqueue((now, request.Answered));
            _answeredInWindow += request.Answered;
        }
        while (_answered.TryPeek(out var oldest) && now - oldest.At >= Window)
            _answeredInWindow -= _answered.Dequeue().Count;
        if (request.Throttled > 0) Cut(request.RetryAfter ?? DefaultPause, now);
    }

    private void Cut(TimeSpan pause, DateTimeOffset now)
    {
        // The 429s of one burst arrive together and late, from every silo, some after the pause: one signal, not many.
        if (now < _pausedUntil + Window) return;
        _lastCutAt = now;
        Cuts++;
        // A window limiter refuses once it holds its limit: what it accepted in the last second is that limit,
        // when it held us well below our rate; otherwise the limit is about the rate we were at.
        var measured = Math.Max(MinRate, _answeredInWindow);
        var limit = measured < LimitedBelow * Rate ? measured : Rate;
        Ceiling = _stepBase = limit;
        Rate = Math.Max(MinRate, limit * _options.DecreaseFactor);
        _pausedUntil = _refilledAt = now + pause;
        _tokens = 0;
    }

    private void Refill(DateTimeOffset now)
    {
        var elapsed = (now - _refilledAt).TotalSeconds;
        if (elapsed <= 0) return;
        _refilledAt = now;
        Grow(elapsed, now);
        var burst = _options.EffectiveBurst * Rate / _options.PermitsPerSecond;
        _tokens = Math.Min(burst, _tokens + Rate * elapsed);
    }

    private void Grow(double seconds, DateTimeOffset now)
    {
        if (Ceiling is not null && now - _lastCutAt >= _options.ProbeAfter) Ceiling = null; // quiet for long: probe past it
        var limit = Ceiling is { } ceiling ? ceiling * _options.HoldFraction : _options.PermitsPerSecond;
        if (Rate < limit) Rate = Math.Min(limit, Rate + _stepBase * _options.IncreasePerSecond * seconds);
    }
}
