namespace Alerts.Grains.Interfaces.Model;

/// <summary>A skipped row: its 1-based line number and why.</summary>
[GenerateSerializer, Immutable, Alias("alerts.InvalidRow")]
public sealed record InvalidRow([property: Id(0)] long Line, [property: Id(1)] string Reason);
