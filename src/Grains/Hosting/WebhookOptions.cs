namespace Alerts.Grains.Hosting;

/// <summary>The webhook alerts are delivered to and the retry policy, bound from <c>Alerts:Webhook</c>.</summary>
public sealed class WebhookOptions
{
    public const string Section = "Alerts:Webhook";

    /// <summary>Endpoint every alert is POSTed to (default <c>http://127.0.0.1:5080/webhook</c>).</summary>
    public string Url { get; set; } = "http://127.0.0.1:5080/webhook";

    /// <summary>
    /// Optional signing secret (none by default). When set, every request is signed the Standard Webhooks way.
    /// A <c>whsec_</c> prefix marks a base64 key; any other value is used as its UTF-8 bytes.
    /// </summary>
    public string? Secret { get; set; }

    /// <summary>Per-request timeout (default 10 s).</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Most connections to the webhook per silo (default 256).</summary>
    public int MaxConnections { get; set; } = 256;

    /// <summary>Attempts before a transient failure becomes a dead letter; 0: no cap, <see cref="GiveUpAfter"/> decides (default 0).</summary>
    public int MaxAttempts { get; set; }

    /// <summary>
    /// Attempts one user may have under way at once (default 8). Above 1 a heavy user keeps pace with the budget
    /// against a slow receiver, and its alerts may arrive out of file order; 1 sends each user's alerts strictly
    /// in order. Permits are granted first come, first served, so a user's share of them is bounded by this too.
    /// </summary>
    public int PerUserConcurrency { get; set; } = 8;

    /// <summary>A user's grain with nothing to do is let go after this long (default 2 minutes), giving its memory back.</summary>
    public TimeSpan IdleUserAfter { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>First back-off; it doubles each attempt, with jitter (default 1 s).</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest back-off (default 5 min).</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>After this long since the first attempt, less any time the webhook was down as a whole, a failing alert is dead-lettered (default 24 h).</summary>
    public TimeSpan GiveUpAfter { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Pause after a 429 that carries no usable Retry-After: none, garbage, or a date in the past (default 1 s).</summary>
    public TimeSpan ThrottlePause { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest Retry-After honoured; longer ones are cut to it (default 60 s).</summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(60);

    private const string KeyPrefix = "whsec_";

    /// <summary>The HMAC key a secret stands for, or null when there is none.</summary>
    public static byte[]? SigningKey(string? secret) =>
        string.IsNullOrEmpty(secret) ? null
        : secret.StartsWith(KeyPrefix, StringComparison.Ordinal) ? Convert.FromBase64String(secret[KeyPrefix.Length..])
        : System.Text.Encoding.UTF8.GetBytes(secret);

    public IEnumerable<string> Validate()
    {
        if (Secret?.StartsWith(KeyPrefix, StringComparison.Ordinal) == true && !Convert.TryFromBase64String(Secret[KeyPrefix.Length..], new byte[Secret.Length], out _))
            yield return $"{Section}:Secret after {KeyPrefix} must be base64";
        if (!Uri.TryCreate(Url, UriKind.Absolute, out _)) yield return $"{Section}:Url must be an absolute URL";
        if (RequestTimeout <= TimeSpan.Zero) yield return $"{Section}:RequestTimeout must be > 0";
        if (MaxConnections <= 0) yield return $"{Section}:MaxConnections must be > 0";
        if (PerUserConcurrency is < 1 or > 1_000) yield return $"{Section}:PerUserConcurrency must be between 1 and 1000";
        if (IdleUserAfter < TimeSpan.FromSeconds(2)) yield return $"{Section}:IdleUserAfter must be at least 2 s";
        if (MaxAttempts < 0) yield return $"{Section}:MaxAttempts must be >= 0 (0: no cap)";
        if (ThrottlePause <= TimeSpan.Zero) yield return $"{Section}:ThrottlePause must be > 0";
        if (MaxRetryAfter < TimeSpan.Zero || MaxRetryAfter > TimeSpan.FromHours(1)) yield return $"{Section}:MaxRetryAfter must be between 0 and 1 hour";
        if (GiveUpAfter <= TimeSpan.Zero) yield return $"{Section}:GiveUpAfter must be > 0";
        if (InitialBackoff <= TimeSpan.Zero || MaxBackoff < InitialBackoff) yield return $"{Section}:InitialBackoff must be > 0 and <= MaxBackoff";
    }
}
