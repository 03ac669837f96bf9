using Alerts.Notifier.Chaos;

namespace Alerts.Notifier.Hosting;

/// <summary>Settings of the mock webhook receiver, bound from the <c>Notifier</c> section.</summary>
public sealed class NotifierOptions
{
    public const string Section = "Notifier";

    /// <summary>Requests allowed per client address and path in any one-second window (default 100).</summary>
    public double PermitsPerSecond { get; set; } = 100;

    /// <summary>Folder the delivered rows are appended to (default <c>./data/output</c>).</summary>
    public string OutputDir { get; set; } = "./data/output";

    /// <summary>Fraction of accepted requests answered 503, for fault-injection tests (default 0).</summary>
    public double FailureRate { get; set; }

    /// <summary>
    /// Signing secret shared with the sender, read from <c>Alerts:Webhook:Secret</c> (none by default).
    /// When set, unsigned, wrongly signed or stale requests are answered 401.
    /// </summary>
    public string? Secret { get; set; }

    public const string SecretKey = "Alerts:Webhook:Secret";

    /// <summary>Misbehaviours at start, from <c>Notifier:Chaos</c> (all off by default); <c>POST /chaos</c> replaces them.</summary>
    public ChaosOptions Chaos { get; set; } = new();

    public IEnumerable<string> Validate()
    {
        if (PermitsPerSecond <= 0) yield return "Notifier:PermitsPerSecond must be > 0";
        if (FailureRate is < 0 or > 1) yield return "Notifier:FailureRate must be between 0 and 1";
        if (string.IsNullOrWhiteSpace(OutputDir)) yield return "Notifier:OutputDir must be set";
        if (Secret?.StartsWith("whsec_", StringComparison.Ordinal) == true && !Convert.TryFromBase64String(Secret["whsec_".Length..], new byte[Secret.Length], out _))
            yield return $"{SecretKey} after whsec_ must be base64";
        foreach (var error in Chaos.Validate()) yield return error;
    }
}
