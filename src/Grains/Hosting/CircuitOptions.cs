namespace Alerts.Grains.Hosting;

/// <summary>The webhook's cluster-wide circuit breaker, bound from <c>Alerts:Webhook</c>.</summary>
public sealed class CircuitOptions
{
    public const string Section = WebhookOptions.Section;

    /// <summary>Transient failures (no answer, 408, 5xx) in a row, cluster-wide, with no success between, that open the circuit (default 10).</summary>
    public int CircuitFailures { get; set; } = 10;

    /// <summary>While open, the first wait before one request probes the receiver; it doubles after each failed probe (default 1 s)...</summary>
    public TimeSpan CircuitProbeInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>...up to this (default 5 s), so delivery resumes within seconds of the receiver's return.</summary>
    public TimeSpan CircuitMaxProbeInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>A probe not heard of for this long (its silo died) is given to another silo (default 30 s).</summary>
    public TimeSpan CircuitProbeTimeout { get; set; } = TimeSpan.FromSeconds(30);

    public IEnumerable<string> Validate()
    {
        if (CircuitFailures <= 0) yield return $"{Section}:CircuitFailures must be > 0";
        if (CircuitProbeInterval <= TimeSpan.Zero || CircuitMaxProbeInterval < CircuitProbeInterval)
            yield return $"{Section}:CircuitProbeInterval must be > 0 and <= CircuitMaxProbeInterval";
        if (CircuitProbeTimeout <= TimeSpan.Zero) yield return $"{Section}:CircuitProbeTimeout must be > 0";
    }
}
