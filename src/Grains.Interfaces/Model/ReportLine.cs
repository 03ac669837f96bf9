namespace Alerts.Grains.Interfaces.Model;

/// <summary>One row's outcome in a file's report.</summary>
[GenerateSerializer, Immutable, Alias("alerts.ReportLine")]
public sealed record ReportLine
{
    [Id(0)] public long Line { get; init; }
    [Id(1)] public string? UserId { get; init; }
    [Id(2)] public ReportStatus Status { get; init; }
    [Id(3)] public int Attempts { get; init; }
    [Id(4)] public int? HttpStatus { get; init; }
    [Id(5)] public DateTimeOffset? DeliveredAt { get; init; }
    [Id(6)] public string? Error { get; init; }
}

/// <summary>A row's outcome as a report tells it.</summary>
[GenerateSerializer, Alias("alerts.ReportStatus")]
public enum ReportStatus
{
    Delivered,
    DeadLettered,
    /// <summary>Backing off after a failed attempt.</summary>
    Retrying,
    /// <summary>Dispatched, not yet attempted or answered.</summary>
    Pending,
    /// <summary>The same alert (user and message) as an earlier row; sent once, for that row.</summary>
    DuplicateRow,
    Invalid,
    /// <summary>No record is kept any more: past the retention window or the per-user cap.</summary>
    Expired,
    /// <summary>Its file was cancelled before the alert was delivered: it is never sent.</summary>
    Cancelled,
}
