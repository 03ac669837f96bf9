namespace Alerts.Grains.Interfaces.Model;

/// <summary>
/// A run of whole records of one file, <c>[Start, End)</c> in bytes, that one segment grain reads, dispatches and
/// confirms. Its file plans it at record boundaries, so a segment starts at the first byte of a record.
/// </summary>
[GenerateSerializer, Immutable, Alias("alerts.SegmentPlan")]
public sealed record SegmentPlan
{
    [Id(0)] public required string FileId { get; init; }
    [Id(1)] public int Index { get; init; }
    /// <summary>Where the file lies now; a retry gives the archived copy's path.</summary>
    [Id(2)] public required string Path { get; init; }
    [Id(3)] public FileFormat Format { get; init; }
    [Id(4)] public string? AlertMessage { get; init; }
    [Id(5)] public long Start { get; init; }
    [Id(6)] public long End { get; init; }
    /// <summary>Physical lines before <see cref="Start"/>, so the segment's line numbers are the file's.</summary>
    [Id(7)] public long LinesBefore { get; init; }
    /// <summary>The row cap the file was planned with: the segment must cut records exactly where the plan did.</summary>
    [Id(8)] public int MaxRowBytes { get; init; }
    [Id(9)] public string? TraceParent { get; init; }
}
