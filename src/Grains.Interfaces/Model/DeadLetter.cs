namespace Alerts.Grains.Interfaces.Model;

/// <summary>An alert the retry policy gave up on: its line, the last HTTP status (null when no answer came) and the error.</summary>
[GenerateSerializer, Immutable, Alias("alerts.DeadLetter")]
public sealed record DeadLetter([property: Id(0)] long Line, [property: Id(1)] int? HttpStatus, [property: Id(2)] string? Error);
