using Alerts.Grains.Interfaces.Model;
using Microsoft.Extensions.Logging;

namespace Alerts.Grains.RateLimiting;

/// <summary>
/// What a silo spends while the rate limiter does not answer (its silo frozen or cut off, until the cluster evicts it
/// and it comes back on another): the share it was last granted, for at most <see cref="For"/>. Each silo's own
/// share, so never above the budget in sum; none after a 429 or while delivery is paused. Used by the lease loop only.
/// </summary>
public sealed partial class LimiterFallback(TimeProvider time, ILogger<LimiterFallback> log)
{
    /// <summary>How long a silo goes on at its last share without an answer from the limiter: eviction and reactivation take about 15 s.</summary>
    public static readonly TimeSpan For = TimeSpan.FromSeconds(30);

    /// <summary>How long a lease is waited for: it answers in milliseconds while the limiter's silo does.</summary>
    public static readonly TimeSpan LeaseTimeout = TimeSpan.FromSeconds(1);

    private LeaseGrant? _lastShare; // the last lease granted that was not a pause
    private long _lastShareAt;
    private volatile bool _active;

    /// <summary>Whether the silo is spending its last share now.</summary>
    public bool Active => _active;

    /// <summary>The limiter answered: its grant is the share to go on with next time, unless it was a pause.</summary>
    public void Heard(LeaseGrant grant)
    {
        if (_active) LogLimiterBack();
        _active = false;
        (_lastShare, _lastShareAt) = grant.Pause > TimeSpan.Zero || grant.EndpointDown ? (null, 0) : (grant, time.GetTimestamp());
    }

    /// <summary>The limiter's answer, waited for up to <see cref="LeaseTimeout"/> (not at all while falling back); null if none came.</summary>
    public async Task<LeaseGrant?> AnswerAsync(Task<LeaseGrant> asked)
    {
        if (!asked.IsCompleted)
        {
            if (_active) return null;
            try
            {
                await asked.WaitAsync(LeaseTimeout, time);
            }
            catch (TimeoutException)
            {
                return null;
            }
        }
        return await asked;
    }

    /// <summary>The share to spend while the limiter does not answer; null when there is none to go on with.</summary>
    public LeaseGrant? Share(bool throttled, bool paused)
    {
        if (_lastShare is not { } share || time.GetElapsedTime(_lastShareAt) > For || throttled || paused)
        {
            if (_active) LogFallbackOver(For);
            _active = false;
            return null;
        }
        if (!_active) LogFallingBack(share.Permits / share.Period.TotalSeconds);
        _active = true;
        return share;
    }

    [LoggerMessage(LogLevel.Warning, "The rate limiter does not answer (its silo may be frozen or cut off): this silo goes on at its last share, {Rate:F0}/s, until it answers or the cluster moves it")]
    private partial void LogFallingBack(double rate);
    [LoggerMessage(LogLevel.Warning, "The rate limiter has not answered for {Limit}: this silo sends nothing until it does")]
    private partial void LogFallbackOver(TimeSpan limit);
    [LoggerMessage(LogLevel.Information, "The rate limiter answers again")]
    private partial void LogLimiterBack();
}
