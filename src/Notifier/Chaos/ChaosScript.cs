namespace Alerts.Notifier.Chaos;

/// <summary>
/// Decides, request by request, which misbehaviour of the profile in force applies. Plain logic on a
/// <see cref="TimeProvider"/> and a <see cref="Random"/>, so that tests drive it on a fake clock.
/// </summary>
public sealed class ChaosScript
{
    private readonly TimeProvider _time;
    private readonly Random _random;
    private Applied _current;

    // random must be thread-safe when requests share it (Random.Shared); tests pass a scripted one.
    public ChaosScript(ChaosOptions profile, TimeProvider time, Random random)
    {
        _time = time;
        _random = random;
        _current = new Applied(profile, time.GetTimestamp());
    }

    /// <summary>The profile in force.</summary>
    public ChaosOptions Profile => Volatile.Read(ref _current).Profile;

    /// <summary>Replaces the whole profile; its request count and time windows start again now.</summary>
    public void Apply(ChaosOptions profile) => Volatile.Write(ref _current, new Applied(profile, _time.GetTimestamp()));

    /// <summary>True while an outage in Refuse mode is on: new connections are closed as they come.</summary>
    public bool RefusesConnections()
    {
        var current = Volatile.Read(ref _current);
        return current.Profile.OutageMode == OutageMode.Refuse && InOutage(current);
    }

    /// <summary>The fate of the next webhook request: outage, redirect, hang, reset, throttle, latency, in that order.</summary>
    public ChaosDecision Decide()
    {
        var current = Volatile.Read(ref _current);
        var profile = current.Profile;
        var bodyBytes = profile.BodyBytes;
        if (InOutage(current))
            return profile.OutageMode == OutageMode.Refuse
                ? new(ChaosAction.OutageRefuse)
                : new(ChaosAction.OutageStatus, Status: profile.OutageStatus, BodyBytes: bodyBytes);
        if (profile.RedirectStatus != 0)
            return new(ChaosAction.Redirect, Status: profile.RedirectStatus, Location: profile.RedirectTo, BodyBytes: bodyBytes);
        if (Happens(profile.HangShare)) return new(ChaosAction.Hang);
        if (Happens(profile.ResetShare)) return new(ChaosAction.Reset);
        if (Throttles(profile, Interlocked.Increment(ref current.Requests)))
            return new(ChaosAction.Throttle, Status: StatusCodes.Status429TooManyRequests, RetryAfter: profile.RetryAfter, BodyBytes: bodyBytes);
        var jitter = profile.JitterMs > 0 ? _random.NextDouble() * profile.JitterMs : 0;
        return new(ChaosAction.Proceed, TimeSpan.FromMilliseconds(profile.LatencyMs + jitter), BodyBytes: bodyBytes);
    }

    // Numbered only here, so ThrottleFirst counts requests that got as far as the throttle.
    private bool Throttles(ChaosOptions profile, long number) =>
        number <= profile.ThrottleFirst
        || (profile.ThrottleEvery > 0 && number % profile.ThrottleEvery == 0)
        || Happens(profile.ThrottleShare);

    // Draws only when the share is set, so a test's random sequence is spent on the settings it names.
    private bool Happens(double share) => share > 0 && _random.NextDouble() < share;

    private bool InOutage(Applied current)
    {
        var outage = current.Profile;
        if (outage.OutageSeconds <= 0) return false;
        var elapsed = _time.GetElapsedTime(current.AppliedAt).TotalSeconds;
        return elapsed >= outage.OutageAfterSeconds && elapsed < outage.OutageAfterSeconds + outage.OutageSeconds;
    }

    private sealed class Applied(ChaosOptions profile, long appliedAt)
    {
        public readonly ChaosOptions Profile = profile;
        public readonly long AppliedAt = appliedAt;
        public long Requests;
    }
}
