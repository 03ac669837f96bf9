namespace Alerts.Grains.Interfaces.Model;

/// <summary>The final outcome of one dispatched alert, reported back to its file.</summary>
[GenerateSerializer, Immutable, Alias("alerts.Confirmation")]
public sealed record Confirmation([property: Id(0)] long Line, [property: Id(1)] bool Delivered);
