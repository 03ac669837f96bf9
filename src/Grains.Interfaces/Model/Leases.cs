namespace Alerts.Grains.Interfaces.Model;

/// <summary>A silo asks for permits and reports how its requests fared since its last lease.</summary>
[GenerateSerializer, Immutable, Alias("alerts.LeaseRequest")]
public sealed record LeaseRequest
{
    [Id(0)] public required string SiloId { get; init; }
    /// <summary>Permits the silo could use in the next lease period.</summary>
    [Id(1)] public int Wanted { get; init; }
    /// <summary>Requests answered other than 429 since the last lease.</summary>
    [Id(2)] public int Answered { get; init; }
    /// <summary>Requests answered 429 since the last lease.</summary>
    [Id(3)] public int Throttled { get; init; }
    /// <summary>The longest Retry-After among those 429s.</summary>
    [Id(4)] public TimeSpan? RetryAfter { get; init; }
}

/// <summary>Permits to spend evenly over <see cref="Period"/>; none, and a pause, while the receiver is throttling.</summary>
[GenerateSerializer, Immutable, Alias("alerts.LeaseGrant")]
public sealed record LeaseGrant([property: Id(0)] int Permits, [property: Id(1)] TimeSpan Period, [property: Id(2)] TimeSpan Pause);

/// <summary>The limiter's state, for tests and operators.</summary>
[GenerateSerializer, Immutable, Alias("alerts.RateLimiterStats")]
public sealed record RateLimiterStats
{
    /// <summary>Permits per second granted now.</summary>
    [Id(0)] public double Rate { get; init; }
    /// <summary>The receiver's limit as last measured at a 429, or null when none is known.</summary>
    [Id(1)] public double? Ceiling { get; init; }
    /// <summary>Permits granted so far, per silo.</summary>
    [Id(2)] public IReadOnlyDictionary<string, long> Granted { get; init; } = new Dictionary<string, long>();
    /// <summary>How many times the rate was cut.</summary>
    [Id(3)] public int Cuts { get; init; }
}
