namespace Alerts.Grains.Interfaces.Model;

/// <summary>A file's line in the registry.</summary>
[GenerateSerializer, Immutable, Alias("alerts.FileEntry")]
public sealed record FileEntry([property: Id(0)] string FileId, [property: Id(1)] string Name, [property: Id(2)] DateTimeOffset DiscoveredAt);
