namespace Alerts.Grains.Hosting;

/// <summary>The webhook alerts are delivered to and the retry policy, bound from <c>Alerts:Webhook</c>.</summary>
public sealed class WebhookOptions
{
    public const string Section = "Alerts:Webhook";

    /// <summary>Endpoint every alert is POSTed to (default <c>http://127.0.0.1:5080/webhook</c>).</summary>
    public string Url { get; set; } = "http://127.0.0.1:5080/webhook";

    /// <summary>Send rate (default 100/s). Until the cluster-wide limiter lands, each silo applies it alone.</summary>
    public double PermitsPerSecond { get; set; } = 100;

    /// <summary>Optional HMAC signing secret.</summary>
    public string? Secret { get; set; }

    /// <summary>Per-request timeout (default 10 s).</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Most connections to the webhook per silo (default 256).</summary>
    public int MaxConnections { get; set; } = 256;

    /// <summary>Attempts before a transient failure becomes a dead letter (default 10).</summary>
    public int MaxAttempts { get; set; } = 10;

    /// <summary>First back-off; it doubles each attempt, with jitter (default 1 s).</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest back-off (default 5 min).</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>After this long since the first attempt a failing alert is dead-lettered (default 24 h).</summary>
    public TimeSpan GiveUpAfter { get; set; } = TimeSpan.FromHours(24);

    public IEnumerable<string> Validate()
    {
        if (!Uri.TryCreate(Url, UriKind.Absolute, out _)) yield return $"{Section}:Url must be an absolute URL";
        if (PermitsPerSecond <= 0) yield return $"{Section}:PermitsPerSecond must be > 0";
        if (RequestTimeout <= TimeSpan.Zero) yield return $"{Section}:RequestTimeout must be > 0";
        if (MaxConnections <= 0) yield return $"{Section}:MaxConnections must be > 0";
        if (MaxAttempts <= 0) yield return $"{Section}:MaxAttempts must be > 0";
        if (InitialBackoff <= TimeSpan.Zero || MaxBackoff < InitialBackoff) yield return $"{Section}:InitialBackoff must be > 0 and <= MaxBackoff";
    }
}
