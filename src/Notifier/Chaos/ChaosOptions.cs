using System.Text.Json.Serialization;

namespace Alerts.Notifier.Chaos;

/// <summary>How an outage shows itself to the sender.</summary>
public enum OutageMode
{
    /// <summary>Requests are answered with <see cref="ChaosOptions.OutageStatus"/>.</summary>
    Status,

    /// <summary>Connections are closed as they are accepted, open ones are aborted: the sender sees connection errors.</summary>
    Refuse,
}

/// <summary>
/// Misbehaviours of the receiver, bound from <c>Notifier:Chaos</c> at start and replaced whole by
/// <c>POST /chaos</c>. Every one is off by default, so the notifier behaves like a well-run API.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)] // a misspelt field would otherwise switch nothing on, silently
public sealed class ChaosOptions
{
    public const string Section = "Notifier:Chaos";

    /// <summary>Milliseconds every webhook request waits before it is answered (default 0).</summary>
    public int LatencyMs { get; set; }

    /// <summary>Up to this many more milliseconds, uniform at random, added to <see cref="LatencyMs"/> (default 0).</summary>
    public int JitterMs { get; set; }

    /// <summary>The first N webhook requests after the profile is applied are answered 429 (default 0).</summary>
    public int ThrottleFirst { get; set; }

    /// <summary>Every Nth webhook request is answered 429 (default 0: off).</summary>
    public int ThrottleEvery { get; set; }

    /// <summary>Share of webhook requests, at random, answered 429 (default 0; 0 to 1).</summary>
    public double ThrottleShare { get; set; }

    /// <summary>Retry-After header sent verbatim with chaos 429s (default <c>"1"</c>; empty: no header).</summary>
    public string RetryAfter { get; set; } = "1";

    /// <summary>How long the outage lasts, in seconds (default 0: no outage).</summary>
    public double OutageSeconds { get; set; }

    /// <summary>Seconds after the profile is applied at which the outage begins (default 0).</summary>
    public double OutageAfterSeconds { get; set; }

    /// <summary>How the outage shows itself (default <see cref="Chaos.OutageMode.Status"/>).</summary>
    public OutageMode OutageMode { get; set; } = OutageMode.Status;

    /// <summary>Status answered during an outage in <see cref="Chaos.OutageMode.Status"/> mode (default 503; 400 to 599).</summary>
    public int OutageStatus { get; set; } = 503;

    /// <summary>Redirect answered to every webhook request, writing nothing (default 0: off; 301, 302, 303, 307 or 308).</summary>
    public int RedirectStatus { get; set; }

    /// <summary>Absolute URL sent as the redirect's Location header (default none; required with <see cref="RedirectStatus"/>).</summary>
    public string? RedirectTo { get; set; }

    /// <summary>Least number of bytes in every webhook answer's body, padded and streamed (default 0).</summary>
    public long BodyBytes { get; set; }

    /// <summary>Share of webhook requests never answered, held until the client gives up (default 0; 0 to 1).</summary>
    public double HangShare { get; set; }

    /// <summary>Share of webhook requests whose connection is reset without an answer (default 0; 0 to 1).</summary>
    public double ResetShare { get; set; }

    private static readonly int[] RedirectStatuses = [301, 302, 303, 307, 308];

    /// <summary>What is wrong, each message naming the setting as <paramref name="prefix"/> + property name.</summary>
    public IEnumerable<string> Validate(string prefix = Section + ":")
    {
        if (LatencyMs < 0) yield return $"{prefix}LatencyMs must be >= 0";
        if (JitterMs < 0) yield return $"{prefix}JitterMs must be >= 0";
        if (ThrottleFirst < 0) yield return $"{prefix}ThrottleFirst must be >= 0";
        if (ThrottleEvery < 0) yield return $"{prefix}ThrottleEvery must be >= 0";
        if (!IsShare(ThrottleShare)) yield return $"{prefix}ThrottleShare must be between 0 and 1";
        if (RetryAfter is null) yield return $"{prefix}RetryAfter must be a string (empty: no header)";
        else if (RetryAfter.Any(char.IsControl)) yield return $"{prefix}RetryAfter must not hold control characters";
        if (!(OutageSeconds >= 0)) yield return $"{prefix}OutageSeconds must be >= 0";
        if (!(OutageAfterSeconds >= 0)) yield return $"{prefix}OutageAfterSeconds must be >= 0";
        if (!Enum.IsDefined(OutageMode)) yield return $"{prefix}OutageMode must be Status or Refuse";
        if (OutageStatus is < 400 or > 599) yield return $"{prefix}OutageStatus must be between 400 and 599";
        if (RedirectStatus != 0 && !RedirectStatuses.Contains(RedirectStatus))
            yield return $"{prefix}RedirectStatus must be 0 (off), 301, 302, 303, 307 or 308";
        // "/x" parses as an absolute file URI on Unix, hence the scheme check.
        if (RedirectStatus != 0 && !(Uri.TryCreate(RedirectTo, UriKind.Absolute, out var to) && to.Scheme is "http" or "https"))
            yield return $"{prefix}RedirectTo must be an absolute http(s) URL when RedirectStatus is set";
        if (BodyBytes < 0) yield return $"{prefix}BodyBytes must be >= 0";
        if (!IsShare(HangShare)) yield return $"{prefix}HangShare must be between 0 and 1";
        if (!IsShare(ResetShare)) yield return $"{prefix}ResetShare must be between 0 and 1";
    }

    private static bool IsShare(double value) => value is >= 0 and <= 1; // NaN is not
}
