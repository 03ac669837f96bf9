using System.Text.Json.Serialization;

namespace Alerts.Grains.Interfaces.Model;

/// <summary>A file's status as served at <c>GET /files/{id}</c>.</summary>
[GenerateSerializer, Immutable, Alias("alerts.FileSummary")]
public sealed record FileSummary
{
    [Id(0)] public required string FileId { get; init; }
    [Id(1)] public required string Name { get; init; }
    [Id(2)] public FileStatus Status { get; init; }
    /// <summary>What came of the rows so far; JSON shows its counts as fields of their own (<see cref="Rows"/> to <see cref="Pending"/>).</summary>
    [Id(24), JsonIgnore] public Counts Counts { get; init; }
    /// <summary>Records read, header excluded.</summary>
    public long Rows { get => Counts.Rows; init => Counts = Counts with { Rows = value }; }
    public long Valid { get => Counts.Valid; init => Counts = Counts with { Valid = value }; }
    public long Invalid { get => Counts.Invalid; init => Counts = Counts with { Invalid = value }; }
    /// <summary>Rows repeating an alert (same user and message) of an earlier row; sent once.</summary>
    public long DuplicateRows { get => Counts.DuplicateRows; init => Counts = Counts with { DuplicateRows = value }; }
    public long Delivered { get => Counts.Delivered; init => Counts = Counts with { Delivered = value }; }
    public long DeadLettered { get => Counts.DeadLettered; init => Counts = Counts with { DeadLettered = value }; }
    /// <summary>Valid, distinct alerts without a final outcome yet.</summary>
    public long Pending => Counts.Pending;
    /// <summary>The first invalid rows, with line numbers and reasons.</summary>
    [Id(10)] public IReadOnlyList<InvalidRow> InvalidRows { get; init; } = [];
    /// <summary>Why the file failed, for <see cref="FileStatus.Failed"/>.</summary>
    [Id(11)] public string? Error { get; init; }
    [Id(12)] public long Size { get; init; }
    /// <summary>Fraction of the file's bytes read (0–1).</summary>
    [Id(13)] public double Progress { get; init; }
    /// <summary>Alerts settled per second: over the last 10 s while the file is active, over the whole file once it is done.</summary>
    [Id(14)] public double Rate { get; init; }
    /// <summary>Estimated seconds left at the recent rate, when it can be estimated (none while nothing settles).</summary>
    [Id(15)] public double? EtaSeconds { get; init; }
    [Id(16)] public DateTimeOffset DiscoveredAt { get; init; }
    [Id(17)] public DateTimeOffset? CompletedAt { get; init; }
    /// <summary>Where the file lies now (inbox, archive or failed folder).</summary>
    [Id(18)] public string? Path { get; init; }
    [Id(19)] public FileFormat Format { get; init; }
    /// <summary>The first dead letters, by line, with their last HTTP status and error; <c>POST /files/{id}/retry</c> requeues them.</summary>
    [Id(20)] public IReadOnlyList<DeadLetter> DeadLetters { get; init; } = [];
    /// <summary>How the file changed after it was taken (rows appended, or rewritten in place while read); null when it did not.</summary>
    [Id(21)] public string? Warning { get; init; }
    /// <summary>Nothing of the file is sent before this time, while it has not come.</summary>
    [Id(22)] public DateTimeOffset? NotBefore { get; init; }
    /// <summary>High: its attempts get permits before those of normal files, across the cluster.</summary>
    [Id(23)] public FilePriority Priority { get; init; }
}
