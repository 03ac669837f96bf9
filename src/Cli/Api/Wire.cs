namespace Alerts.Cli.Api;

// The gateway's answers, as far as the command line reads them (camelCase JSON, enums as strings).

/// <summary>A file's status as served at <c>GET /files/{id}</c>.</summary>
public sealed record FileSummary
{
    public required string FileId { get; init; }
    public required string Name { get; init; }
    /// <summary><c>Reading</c>, <c>Delivering</c>, <c>Paused</c>, <c>Scheduled</c>, <c>Completed</c>, <c>Failed</c> or <c>Cancelled</c>.</summary>
    public required string Status { get; init; }
    public long Rows { get; init; }
    public long Valid { get; init; }
    public long Invalid { get; init; }
    public long DuplicateRows { get; init; }
    public long Delivered { get; init; }
    public long DeadLettered { get; init; }
    public long Pending { get; init; }
    public IReadOnlyList<InvalidRow> InvalidRows { get; init; } = [];
    public string? Error { get; init; }
    public string? Warning { get; init; }
    public long Size { get; init; }
    /// <summary>Fraction of the file's bytes read (0–1).</summary>
    public double Progress { get; init; }
    /// <summary>Alerts settled per second, over the last 10 s while the file is active.</summary>
    public double Rate { get; init; }
    public double? EtaSeconds { get; init; }
    public DateTimeOffset DiscoveredAt { get; init; }
    public DateTimeOffset? CompletedAt { get; init; }
    public string? Path { get; init; }
    public IReadOnlyList<DeadLetter> DeadLetters { get; init; } = [];
    public DateTimeOffset? NotBefore { get; init; }
    /// <summary><c>High</c> or <c>Normal</c>.</summary>
    public string Priority { get; init; } = "Normal";

    public bool IsFinished => Status is FileStatuses.Completed or FileStatuses.Failed or FileStatuses.Cancelled;
}

public static class FileStatuses
{
    public const string Completed = "Completed";
    public const string Failed = "Failed";
    public const string Cancelled = "Cancelled";
}

public sealed record InvalidRow(long Line, string Reason);

public sealed record DeadLetter(long Line, int? HttpStatus, string? Error);

/// <summary>The answer to <c>POST /upload</c>.</summary>
public sealed record UploadAccepted(string FileId, string Name, string StatusUrl, string Status, bool AlreadyKnown);

/// <summary>The answer to <c>POST /retry</c> and <c>POST /files/{id}/retry</c>.</summary>
public sealed record RetryResult(int Requeued, IReadOnlyList<RetriedFile> Files);

public sealed record RetriedFile(string FileId, string Name, int Requeued);

/// <summary>The answer to <c>GET /delivery</c>, <c>POST /delivery/pause</c> and <c>POST /delivery/resume</c>.</summary>
public sealed record DeliveryState(bool Paused, DateTimeOffset? PausedAt, double Budget, double Rate, bool EndpointDown);
