namespace Alerts.Grains.Interfaces.Model;

/// <summary>
/// What an operator has said of delivery: all of it paused, these files paused (or waiting for their scheduled time),
/// these cancelled, these of high priority. <see cref="Version"/> grows with every change and is stored: a silo keeps
/// the newest it heard, whether told at once or by a lease answered earlier and read later.
/// </summary>
[GenerateSerializer, Immutable, Alias("alerts.DeliveryHolds")]
public sealed record DeliveryHolds([property: Id(0)] bool All, [property: Id(1)] IReadOnlyList<string> Files, [property: Id(2)] long Version)
{
    /// <summary>Files cancelled: their alerts not yet sent are dropped, never sent.</summary>
    [Id(3)] public IReadOnlyList<string> Cancelled { get; init; } = [];

    /// <summary>Files of high priority: their waiting attempts get permits before those of other files.</summary>
    [Id(4)] public IReadOnlyList<string> Urgent { get; init; } = [];

    public static readonly DeliveryHolds None = new(false, [], 0);
}

/// <summary>Whether delivery is paused across the cluster, and the webhook's budget and granted rate now.</summary>
[GenerateSerializer, Immutable, Alias("alerts.DeliveryState")]
public sealed record DeliveryState
{
    /// <summary>No request goes out while paused; files keep their place and no attempt is spent.</summary>
    [Id(0)] public bool Paused { get; init; }
    /// <summary>When delivery was paused, while it is.</summary>
    [Id(1)] public DateTimeOffset? PausedAt { get; init; }
    /// <summary>The cluster-wide budget, requests per second.</summary>
    [Id(2)] public double Budget { get; init; }
    /// <summary>The rate the limiter grants now (below the budget after 429s; 0 while paused or the webhook is down).</summary>
    [Id(3)] public double Rate { get; init; }
    /// <summary>Whether the webhook's circuit is open.</summary>
    [Id(4)] public bool EndpointDown { get; init; }
    /// <summary>Each silo's part of the work now: requests per second and users held.</summary>
    [Id(5)] public IReadOnlyList<SiloLoad> Silos { get; init; } = [];
}
