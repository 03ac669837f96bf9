namespace Alerts.Grains.Interfaces.Model;

/// <summary>The durable record of one alert: delivered, dead-lettered, backing off, or with an attempt in flight.</summary>
[GenerateSerializer, Immutable, Alias("alerts.DeliveryRecord")]
public sealed record DeliveryRecord
{
    [Id(0)] public required string AlertId { get; init; }
    [Id(1)] public required string FileId { get; init; }
    [Id(2)] public long Line { get; init; }
    [Id(3)] public bool Delivered { get; init; }
    /// <summary>When the outcome was decided, or when the last attempt was made or started.</summary>
    [Id(4)] public DateTimeOffset At { get; init; }
    /// <summary>HTTP status of the last attempt, or null when no answer came.</summary>
    [Id(5)] public int? HttpStatus { get; init; }
    /// <summary>Attempts used; answers 429 do not count, nor does an attempt still in flight.</summary>
    [Id(6)] public int Attempts { get; init; }
    [Id(7)] public string? LastError { get; init; }
    /// <summary>The file's retry round the outcome belongs to (see <see cref="Alert.Round"/>).</summary>
    [Id(8)] public int Round { get; init; }
    /// <summary>Set while the alert is backing off: when it is tried next.</summary>
    [Id(9)] public DateTimeOffset? NextAttemptAt { get; init; }
    /// <summary>Set while it is retrying or in flight: its first attempt, moved on by any time the webhook was down (the give-up horizon runs from here).</summary>
    [Id(10)] public DateTimeOffset? FirstAttemptAt { get; init; }
    /// <summary>A request was about to be sent and no answer is recorded: after a crash, sending it again may repeat it.</summary>
    [Id(11)] public bool InFlight { get; init; }
    [Id(12)] public string UserId { get; init; } = "";

    /// <summary>The mark journaled just before a request goes: the attempts before it and the first attempt's time.</summary>
    public static DeliveryRecord SendingNow(Alert alert, int attemptsBefore, DateTimeOffset firstAttemptAt, DateTimeOffset now) => new()
    {
        AlertId = alert.AlertId,
        FileId = alert.FileId,
        UserId = alert.UserId,
        Line = alert.Line,
        Round = alert.Round,
        At = now,
        Attempts = attemptsBefore,
        FirstAttemptAt = firstAttemptAt,
        InFlight = true,
    };

    public DeliveryStatus Status => Delivered ? DeliveryStatus.Delivered
        : InFlight ? DeliveryStatus.InFlight
        : NextAttemptAt is null ? DeliveryStatus.DeadLettered : DeliveryStatus.Retrying;
}

/// <summary>Where an alert stands with its user's grain.</summary>
public enum DeliveryStatus
{
    Delivered,
    DeadLettered,
    Retrying,
    InFlight,
}
