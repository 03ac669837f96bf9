using Alerts.Grains.Hosting;

namespace Alerts.Grains.Delivery;

/// <summary>What to do after an attempt.</summary>
public enum RetryAction
{
    Delivered,
    /// <summary>429: not a failure; wait and try again without using up an attempt.</summary>
    Throttled,
    /// <summary>Transient failure: back off and try again.</summary>
    Retry,
    DeadLetter,
}

public readonly record struct RetryDecision(RetryAction Action, TimeSpan Delay);

/// <summary>
/// The retry policy: 2xx delivered; 429 waits (no attempt used); no answer, 408 and 5xx back off and try
/// again until the give-up time (or an attempt cap, when set) runs out; 3xx and other 4xx are dead letters at once.
/// </summary>
public sealed class RetryPolicy(WebhookOptions options)
{
    /// <param name="result">The attempt's result.</param>
    /// <param name="attempts">Attempts used so far, this one included (429s excluded).</param>
    /// <param name="sinceFirstAttempt">Time since the alert's first attempt, less any time the webhook was down.</param>
    /// <param name="jitter">A number in [0, 1) that spreads retries out.</param>
    public RetryDecision Decide(WebhookResult result, int attempts, TimeSpan sinceFirstAttempt, double jitter)
    {
        if (result.IsSuccess) return new(RetryAction.Delivered, TimeSpan.Zero);
        if (result.Status == 429) return new(RetryAction.Throttled, result.RetryAfter ?? options.ThrottlePause);
        if (!IsTransient(result.Status)) return new(RetryAction.DeadLetter, TimeSpan.Zero);
        if ((options.MaxAttempts > 0 && attempts >= options.MaxAttempts) || sinceFirstAttempt >= options.GiveUpAfter) return new(RetryAction.DeadLetter, TimeSpan.Zero);
        return new(RetryAction.Retry, Backoff(attempts, jitter));
    }

    /// <summary>1 s, 2 s, 4 s … capped, each scaled by a jitter factor in [0.5, 1.5).</summary>
    public TimeSpan Backoff(int attempts, double jitter)
    {
        var exponent = Math.Min(attempts - 1, 30);
        var ticks = Math.Min(options.InitialBackoff.Ticks * Math.Pow(2, exponent), options.MaxBackoff.Ticks);
        return TimeSpan.FromTicks((long)Math.Min(ticks * (0.5 + jitter), options.MaxBackoff.Ticks));
    }

    /// <summary>No status (a timeout or connection error), 408 or 5xx: worth trying again.</summary>
    public static bool IsTransient(int? status) => status is null or 408 or >= 500;
}
