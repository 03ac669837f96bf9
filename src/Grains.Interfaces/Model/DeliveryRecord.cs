namespace Alerts.Grains.Interfaces.Model;

/// <summary>A user's durable record of one alert's delivery (or dead letter).</summary>
[GenerateSerializer, Alias("alerts.DeliveryRecord")]
public sealed record DeliveryRecord
{
    [Id(0)] public required string AlertId { get; init; }
    [Id(1)] public required string FileId { get; init; }
    [Id(2)] public long Line { get; init; }
    [Id(3)] public bool Delivered { get; init; }
    [Id(4)] public DateTimeOffset At { get; init; }
    /// <summary>HTTP status of the last attempt, or null when no answer came.</summary>
    [Id(5)] public int? HttpStatus { get; init; }
    [Id(6)] public int Attempts { get; init; }
    [Id(7)] public string? LastError { get; init; }
}
