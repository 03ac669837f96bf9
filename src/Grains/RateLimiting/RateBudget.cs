using Alerts.Grains.Hosting;
using Alerts.Grains.Interfaces.Model;

namespace Alerts.Grains.RateLimiting;

/// <summary>
/// The arithmetic of a cluster-wide send budget, apart from any grain so that it can be tested on a
/// fake clock: a token bucket at an adaptive rate, split evenly among the silos asking for it (a silo leaves the split
/// when it says it wants nothing, when it is declared dead, or after <see cref="KeepSilentSilo"/> of silence).
/// A 429 pauses everyone for its Retry-After. It teaches the receiver's limit only when we were sending
/// near our rate in the second before it: then the limit is what the receiver let through in that second,
/// and the rate is held just under it until a probe past it (rarer while the limit stays put). A 429 at light traffic (another client, a
/// blip) only trims the rate. The rate never falls below a floor, and climbs back multiplicatively.
/// A receiver that refuses a share of requests whatever the rate (load shedding, a quota shared with others) is
/// told apart by what follows its pauses: 429s again within moments of resuming, twice running, while most
/// requests since the pause passed. Slowing down did not help, so from then on its 429s pause nobody and cut
/// nothing, each refused alert waits out its own Retry-After, and the rate probes up from where it is (back to the
/// budget if nothing else limits it). A second in which most answers are 429s, or clearly more than in the first
/// second of this (a limit the receiver has as well, passed by the probe), ends it with a cut and a pause; within
/// 30 s of that, one relapse is enough to go back.
/// </summary>
public sealed class RateBudget
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a silo that stopped asking without a word keeps its part of the split: as long as a silo whose calls to
    /// the limiter go unanswered spends its last share (<c>LimiterFallback.For</c>), so the sum never passes the
    /// rate. A silo going idle says so (a request for nothing); a dead one is forgotten when the cluster declares it dead.
    /// </summary>
    public static readonly TimeSpan KeepSilentSilo = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan DefaultPause = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan ShortestEvidence = TimeSpan.FromMilliseconds(100);
    private const double NearRate = 0.5; // of the rate: a second sent slower than this says nothing of the receiver's limit
    private const double MakeUpAtMost = 1.1; // lease periods
    private const double SameLimit = 0.1; // a limit learned again within a tenth of the last is the same one
    private const int MaxProbeSpacing = 8; // probes of a steady limit come at most this many ProbeAfters apart
    private static readonly TimeSpan Relapse = TimeSpan.FromSeconds(2); // a 429 this soon after a pause ended: the pause did not help
    private static readonly TimeSpan Lately = TimeSpan.FromSeconds(30); // found scattered this recently: one relapse says so again
    private const double RefusedMost = 0.5; // of the requests answered: at or above it, the receiver is refusing, not scattering 429s
    private const int Evidence = 20; // answers in a second before its share of 429s says anything
    private const double RisenBy = 0.1; // of the answers: refused this much more than in the first second of it
    private readonly RateLimitOptions _options;
    private readonly Dictionary<string, (DateTimeOffset At, int Sent, int Passed)> _lastSecond = [];
    private readonly Dictionary<string, DateTimeOffset> _lastLease = [];
    private readonly Dictionary<string, long> _granted = [];
    private readonly Dictionary<string, double> _carried = [];
    private double _tokens;
    private double _rateAtCut;
    private TimeSpan _probeAfter;
    private DateTimeOffset _refilledAt;
    private DateTimeOffset _pausedFrom = DateTimeOffset.MinValue, _pausedUntil = DateTimeOffset.MinValue;
    private DateTimeOffset _lastCutAt = DateTimeOffset.MinValue, _lateReportsUntil = DateTimeOffset.MinValue;
    // A run of relapses: how many, how requests fared since the last pause ended, and the rate and limit the run's first cut set.
    private int _relapses;
    private long _runAnswered, _runThrottled;
    private double? _usualShare;
    private double _rateAfterFirstCut;
    private double? _ceilingAfterFirstCut;
    private bool _scattered;
    private DateTimeOffset _scatteredEndedAt = DateTimeOffset.MinValue, _secondStart;
    private int _secondAnswered, _secondThrottled;

    public RateBudget(RateLimitOptions options, DateTimeOffset now)
    {
        _options = options;
        Rate = options.PermitsPerSecond;
        _probeAfter = options.ProbeAfter;
        _tokens = options.EffectiveBurst;
        _refilledAt = now;
    }

    /// <summary>Permits per second granted now.</summary>
    public double Rate { get; private set; }

    /// <summary>The receiver's limit as learned at the last 429 sent near our rate, while it is held under.</summary>
    public double? Ceiling { get; private set; }

    public int Cuts { get; private set; }

    /// <summary>Whether 429s are taken now as scattered refusals that no pause or cut would help.</summary>
    public bool Scattered => _scattered;

    /// <summary>The lowest the rate is ever cut to.</summary>
    public double Floor => Math.Min(_options.PermitsPerSecond, Math.Max(1, _options.FloorShare * _options.PermitsPerSecond));

    public LeaseGrant Lease(LeaseRequest request, DateTimeOffset now)
    {
        Observe(request, now);
        if (request.Wanted <= 0)
        {
            // A silo that wants nothing (gone idle, or unable to send now) leaves the split at once: its share goes to the others.
            Forget(request.SiloId);
            return new LeaseGrant(0, _options.LeasePeriod, TimeSpan.Zero, ClusterRate: Rate);
        }
        var sinceLast = _lastLease.TryGetValue(request.SiloId, out var last) ? now - last : _options.LeasePeriod;
        _lastLease[request.SiloId] = now;
        if (now < _pausedUntil) return new LeaseGrant(0, _options.LeasePeriod, _pausedUntil - now, ClusterRate: 0);
        Refill(now);
        var share = Share(sinceLast, now) + _carried.GetValueOrDefault(request.SiloId);
        var permits = (int)Math.Max(0, Math.Floor(Math.Min(Math.Min(request.Wanted, _tokens), share)));
        // Whole permits only: the fraction of a share is carried to the silo's next lease, never rounded up
        // (rounding up 19.5 to 20 five times a second turned a rate of 95 into 100).
        _carried[request.SiloId] = permits < request.Wanted && permits < Math.Floor(_tokens) ? share - permits : 0;
        _tokens -= permits;
        _granted[request.SiloId] = _granted.GetValueOrDefault(request.SiloId) + permits;
        return new LeaseGrant(permits, _options.LeasePeriod, TimeSpan.Zero, ClusterRate: Rate);
    }

    public RateLimiterStats Stats() => new() { Rate = Rate, Ceiling = Ceiling, Granted = new Dictionary<string, long>(_granted), Cuts = Cuts };

    /// <summary>
    /// Takes a silo out of the split: it said it wants nothing, or the cluster declared it dead. Until then a silo that
    /// stopped asking keeps its part for <see cref="KeepSilentSilo"/>.
    /// </summary>
    public void Forget(string siloId)
    {
        _lastLease.Remove(siloId);
        _carried.Remove(siloId);
    }

    /// <summary>Silos in the split now.</summary>
    public IReadOnlyCollection<string> Silos => _lastLease.Keys;

    // A silo's fair part of what the rate yields over the time since its last lease. A silo that asked
    // late gets a little more for the time it lost, but little: what it makes up lands in the receiver's
    // next second on top of that second's share (holders ask ahead, so this is rare). A silo that went quiet without
    // saying so keeps its part: it may be spending its last share on its own while its calls do not get through.
    private double Share(TimeSpan sinceLast, DateTimeOffset now)
    {
        foreach (var silo in _lastLease.Where(s => now - s.Value > KeepSilentSilo).Select(s => s.Key).ToList()) Forget(silo);
        var period = Math.Min(sinceLast.TotalSeconds, MakeUpAtMost * _options.LeasePeriod.TotalSeconds);
        return Rate * period / _lastLease.Count;
    }

    private void Observe(LeaseRequest request, DateTimeOffset now)
    {
        _lastSecond[request.SiloId] = (now, request.SentLastSecond, request.PassedLastSecond);
        if (now >= _pausedUntil) // answers to requests sent before a pause say nothing of what followed it
        {
            _runAnswered += request.Answered;
            _runThrottled += request.Throttled;
        }
        if (_scattered && !RefusedMore(request, now)) return;
        if (request.Throttled > 0 && IsNewSignal(request, now)) Throttled(request.RetryAfter ?? DefaultPause, now);
        else if (now < _lateReportsUntil) RaiseToLateReports(now);
    }

    private void Throttled(TimeSpan pause, DateTimeOffset now)
    {
        var relapse = now - _pausedUntil <= Relapse;
        var scatteredLately = now - _scatteredEndedAt <= Lately; // then one pause that did not help says enough
        var answers = _runAnswered + _runThrottled;
        if (relapse && (_relapses >= 1 || scatteredLately) && _runThrottled < RefusedMost * answers)
        {
            // Paused and refused again at once, while most requests since passed: our pace is not the cause. The limit
            // the run's first cut learned (from a whole second) stays, as a receiver may have one as well, not what the
            // cuts after it learned from a moment's sending; without one, the rate now is the limit to probe up from.
            (_scattered, _usualShare, _relapses) = (true, null, 0);
            var ceiling = _ceilingAfterFirstCut ?? Rate;
            (Rate, Ceiling, _lastCutAt) = (Math.Max(Rate, Math.Min(_rateAfterFirstCut, ceiling * _options.HoldFraction)), ceiling, now - _probeAfter);
            (_secondStart, _secondAnswered, _secondThrottled) = (now, 0, 0);
            return;
        }
        _relapses = relapse ? _relapses + 1 : 0;
        (_runAnswered, _runThrottled) = (0, 0); // counted afresh once this pause ends
        Cut(pause, now);
        if (!relapse) (_rateAfterFirstCut, _ceilingAfterFirstCut) = (Rate, Ceiling);
    }

    // While 429s are taken as scattered, judged a whole second at a time: one in which most answers are 429s, or
    // clearly more than in its first second (the rate probing past a limit the receiver has as well), means our
    // pace is refused again.
    private bool RefusedMore(LeaseRequest request, DateTimeOffset now)
    {
        _secondAnswered += request.Answered;
        _secondThrottled += request.Throttled;
        if (now - _secondStart < Window) return false;
        var (answers, throttled) = (_secondAnswered + _secondThrottled, _secondThrottled);
        (_secondStart, _secondAnswered, _secondThrottled) = (now, 0, 0);
        if (answers < Evidence) return false;
        var share = (double)throttled / answers;
        if (share < RefusedMost)
        {
            if (_usualShare is not { } usual)
            {
                _usualShare = share; // held under the limit learned on the way: the share refused whatever the pace
                return false;
            }
            if (share < usual + Math.Max(RisenBy, 3 * Math.Sqrt(usual * (1 - usual) / answers))) return false;
        }
        // Refused more than our pace explains: the next 429 is a cut and a pause again.
        (_scattered, _scatteredEndedAt, _relapses, _runAnswered, _runThrottled) = (false, now, 0, 0, 0);
        return true;
    }

    // The 429s of one burst reach the grain together and late, from every silo: one signal, not many. A silo
    // hears of a pause only at its next lease, up to a lease period later, and sends on until then: 429s to
    // those requests are the same burst too. A 429 to a request sent after the pause is news: we resumed too fast.
    private bool IsNewSignal(LeaseRequest request, DateTimeOffset now)
    {
        var burstEnds = Max(_pausedUntil, _pausedFrom + _options.LeasePeriod);
        return request.LastThrottledSentAt is { } sentAt ? sentAt >= burstEnds : now >= _pausedUntil + Window;
    }

    private void Cut(TimeSpan pause, DateTimeOffset now)
    {
        Cuts++;
        var (sent, passed) = LastSecondTotals(now);
        if (sent / SendingTime(now).TotalSeconds >= NearRate * Rate)
        {
            // A window limiter refuses once it holds its limit: what it let through in the last second is that limit.
            _rateAtCut = Rate;
            var limit = Math.Clamp(passed, Floor, Rate);
            // A probe that finds the same limit again waits twice as long before the next (each costs a pause);
            // a limit that moved is probed again soon.
            if (Ceiling is { } known && Math.Abs(limit - known) <= SameLimit * known)
            {
                _probeAfter = Min(2 * _probeAfter, MaxProbeSpacing * _options.ProbeAfter);
                limit = Math.Max(limit, known); // a count that missed a late report must not wear the limit down probe by probe
            }
            else
            {
                _probeAfter = _options.ProbeAfter;
            }
            Ceiling = limit;
            Rate = Math.Max(Floor, Ceiling.Value * _options.DecreaseFactor);
            _lastCutAt = now;
            _lateReportsUntil = now + 1.5 * _options.LeasePeriod;
        }
        else
        {
            Rate = Math.Max(Floor, Rate * _options.DecreaseFactor); // light traffic: someone else's load, or a blip
        }
        _pausedFrom = now;
        _pausedUntil = _refilledAt = now + pause;
        _tokens = 0;
    }

    // The other silos' counts of the second before the cut come with their next leases: the limit is their sum.
    private void RaiseToLateReports(DateTimeOffset now)
    {
        if (Ceiling is not { } ceiling) return;
        var passed = Math.Min(LastSecondTotals(now).Passed, _rateAtCut);
        if (passed <= ceiling) return;
        Ceiling = passed;
        Rate = Math.Max(Rate, passed * _options.DecreaseFactor);
    }

    private (int Sent, int Passed) LastSecondTotals(DateTimeOffset now)
    {
        int sent = 0, passed = 0;
        foreach (var (at, siloSent, siloPassed) in _lastSecond.Values)
        {
            if (now - at > Window) continue; // that silo has been idle
            sent += siloSent;
            passed += siloPassed;
        }
        return (sent, passed);
    }

    /// <summary>How much of the last second we were free to send in: not paused by an earlier 429.</summary>
    private TimeSpan SendingTime(DateTimeOffset now)
    {
        var windowStart = now - Window;
        var overlap = Min(now, _pausedUntil) - Max(windowStart, _pausedFrom);
        var free = overlap > TimeSpan.Zero ? Window - overlap : Window;
        return free < ShortestEvidence ? ShortestEvidence : free;
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

    /// <summary>Multiplicative climb back to the target (the budget, or just under a learned limit); after a quiet spell, an additive probe past the limit.</summary>
    private void Grow(double seconds, DateTimeOffset now)
    {
        var budget = _options.PermitsPerSecond;
        if (Ceiling is { } ceiling && now - _lastCutAt >= _probeAfter)
        {
            Rate = Math.Min(budget, Math.Max(Rate, ceiling * _options.HoldFraction) + ceiling * _options.IncreasePerSecond * seconds);
            if (Rate >= budget) Ceiling = null;
            return;
        }
        var target = Ceiling is { } limit ? Math.Min(budget, limit * _options.HoldFraction) : budget;
        if (Rate < target) Rate = Math.Min(target, Rate * Math.Pow(1 + _options.RecoveryPerSecond, seconds));
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}
