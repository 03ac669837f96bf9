namespace Alerts.Grains.Interfaces.Model;

/// <summary>A silo asks for permits and reports how its requests fared since its last lease.</summary>
[GenerateSerializer, Immutable, Alias("alerts.LeaseRequest")]
public sealed record LeaseRequest
{
    [Id(0)] public required string SiloId { get; init; }
    /// <summary>Permits the silo could use in the next lease period.</summary>
    [Id(1)] public int Wanted { get; init; }
    /// <summary>Requests answered other than 429 since the last lease (transient failures included).</summary>
    [Id(2)] public int Answered { get; init; }
    /// <summary>Requests answered 429 since the last lease.</summary>
    [Id(3)] public int Throttled { get; init; }
    /// <summary>The longest Retry-After among those 429s.</summary>
    [Id(4)] public TimeSpan? RetryAfter { get; init; }
    /// <summary>Requests this silo sent in the last second, whatever came of them.</summary>
    [Id(5)] public int SentLastSecond { get; init; }
    /// <summary>Requests the receiver let through (any answer but 429) in the last second: what its limit allowed.</summary>
    [Id(6)] public int PassedLastSecond { get; init; }
    /// <summary>Transient failures (no answer, 408, 5xx) since the last lease.</summary>
    [Id(7)] public int Failed { get; init; }
    /// <summary>When the latest request answered 429 since the last lease was sent: 429s to requests sent before a pause began are old news.</summary>
    [Id(8)] public DateTimeOffset? LastThrottledSentAt { get; init; }
    /// <summary>The asking silo: the limiter grants nothing to a silo the cluster has declared dead.</summary>
    [Id(9)] public SiloAddress? Silo { get; init; }
    /// <summary>The silo's permit holder, which the limiter tells at once of an operator's pause or resume.</summary>
    [Id(10)] public IPermitHolder? Holder { get; init; }
    /// <summary>Users' grains the silo holds in memory now: its share of the cluster's users.</summary>
    [Id(11)] public int ActiveUsers { get; init; }
}

/// <summary>One silo's part of the work, as it last told the limiter: whether every silo pulls its weight.</summary>
[GenerateSerializer, Immutable, Alias("alerts.SiloLoad")]
public sealed record SiloLoad
{
    [Id(0)] public required string Silo { get; init; }
    /// <summary>Requests it sent in the last second (0 once it has not reported for a few seconds: idle).</summary>
    [Id(1)] public int SentPerSecond { get; init; }
    /// <summary>Of those, requests the receiver took (any answer but 429).</summary>
    [Id(2)] public int AnsweredPerSecond { get; init; }
    /// <summary>Users' grains it holds in memory.</summary>
    [Id(3)] public int ActiveUsers { get; init; }
    /// <summary>Permits granted to it since the limiter started.</summary>
    [Id(4)] public long PermitsGranted { get; init; }
}

/// <summary>
/// Permits to spend evenly over <see cref="Period"/>; none, and a pause, while the receiver is throttling.
/// <see cref="EndpointDown"/>: the webhook's circuit is open; failures now cost alerts no attempts.
/// <see cref="DeliveryPaused"/>: an operator paused all delivery; none, and a short pause before asking again.
/// <see cref="Holds"/>: what an operator said of files (paused, cancelled, urgent), with its version.
/// </summary>
[GenerateSerializer, Immutable, Alias("alerts.LeaseGrant")]
public sealed record LeaseGrant(
    [property: Id(0)] int Permits,
    [property: Id(1)] TimeSpan Period,
    [property: Id(2)] TimeSpan Pause,
    [property: Id(3)] bool EndpointDown = false,
    [property: Id(4)] double ClusterRate = 0,
    [property: Id(5)] bool DeliveryPaused = false)
{
    /// <summary>What an operator said, as the limiter last heard it; <see cref="DeliveryPaused"/> comes from the same version. Null: it says nothing.</summary>
    [Id(8)] public DeliveryHolds? Holds { get; init; }
}

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
    /// <summary>Whether the webhook's circuit is open (the endpoint is failing as a whole).</summary>
    [Id(4)] public bool EndpointDown { get; init; }
    /// <summary>Each silo's part, by silo address.</summary>
    [Id(5)] public IReadOnlyList<SiloLoad> Silos { get; init; } = [];
}
