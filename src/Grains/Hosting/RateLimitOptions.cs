namespace Alerts.Grains.Hosting;

/// <summary>The cluster-wide send budget and how it adapts to 429s, bound from <c>Alerts:Webhook</c>.</summary>
public sealed class RateLimitOptions
{
    public const string Section = WebhookOptions.Section;

    /// <summary>Cluster-wide send rate, permits per second (default 100).</summary>
    public double PermitsPerSecond { get; set; } = 100;

    /// <summary>
    /// Permits that may pile up while nobody sends (default: one and a half lease periods' worth of the rate,
    /// so a lease that comes a little late is not short-changed).
    /// </summary>
    public double? Burst { get; set; }

    /// <summary>How often each silo leases permits, and over how long it spends them (default 200 ms).</summary>
    public TimeSpan LeasePeriod { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>On a 429 the rate becomes this fraction of the receiver's learned limit, or of itself at light traffic (default 0.9).</summary>
    public double DecreaseFactor { get; set; } = 0.9;

    /// <summary>The rate is never cut below this share of <see cref="PermitsPerSecond"/> (default 0.1).</summary>
    public double FloorShare { get; set; } = 0.1;

    /// <summary>Below its target the rate grows by this fraction of itself each second, compounded (default 1: it doubles).</summary>
    public double RecoveryPerSecond { get; set; } = 1;

    /// <summary>Under a learned limit the rate stops growing at this fraction of it (default 0.97)...</summary>
    public double HoldFraction { get; set; } = 0.97;

    /// <summary>...until this long has passed without a 429; then it probes past it, in case the receiver's limit rose (default 15 s).</summary>
    public TimeSpan ProbeAfter { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>While probing, the rate grows by this fraction of the learned limit each second (default 0.05).</summary>
    public double IncreasePerSecond { get; set; } = 0.05;

    public double EffectiveBurst => Burst ?? 1.5 * PermitsPerSecond * LeasePeriod.TotalSeconds;

    public IEnumerable<string> Validate()
    {
        if (PermitsPerSecond <= 0) yield return $"{Section}:PermitsPerSecond must be > 0";
        if (Burst is <= 0) yield return $"{Section}:Burst must be > 0";
        if (LeasePeriod < TimeSpan.FromMilliseconds(20) || LeasePeriod > TimeSpan.FromSeconds(5)) yield return $"{Section}:LeasePeriod must be between 20 ms and 5 s";
        if (DecreaseFactor is <= 0 or >= 1) yield return $"{Section}:DecreaseFactor must be between 0 and 1";
        if (FloorShare is <= 0 or > 1) yield return $"{Section}:FloorShare must be > 0 and <= 1";
        if (RecoveryPerSecond is <= 0 or > 10) yield return $"{Section}:RecoveryPerSecond must be > 0 and <= 10";
        if (IncreasePerSecond is <= 0 or > 1) yield return $"{Section}:IncreasePerSecond must be > 0 and <= 1";
        if (HoldFraction is <= 0 or > 1) yield return $"{Section}:HoldFraction must be > 0 and <= 1";
        if (ProbeAfter <= TimeSpan.Zero) yield return $"{Section}:ProbeAfter must be > 0";
    }
}
