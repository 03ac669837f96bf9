namespace Alerts.Grains.Interfaces.Model;

/// <summary>Where one segment stands: its counts and samples, which its file sums into the file's status.</summary>
[GenerateSerializer, Immutable, Alias("alerts.SegmentProgress")]
public sealed record SegmentProgress
{
    /// <summary><see cref="FileStatus.Reading"/>, <see cref="FileStatus.Delivering"/>, <see cref="FileStatus.Completed"/> or <see cref="FileStatus.Failed"/>.</summary>
    [Id(0)] public FileStatus Status { get; init; }
    /// <summary>The dead-letter retry round the segment is in.</summary>
    [Id(1)] public int Round { get; init; }
    /// <summary>Byte offset of the segment's next unread record.</summary>
    [Id(2)] public long NextOffset { get; init; }
    [Id(3)] public long Rows { get; init; }
    [Id(4)] public long Valid { get; init; }
    [Id(5)] public long Invalid { get; init; }
    [Id(6)] public long DuplicateRows { get; init; }
    [Id(7)] public long Delivered { get; init; }
    [Id(8)] public long DeadLettered { get; init; }
    /// <summary>Why the segment failed (its file is gone), for <see cref="FileStatus.Failed"/>.</summary>
    [Id(9)] public string? Error { get; init; }
    /// <summary>The segment's first invalid rows, by line.</summary>
    [Id(10)] public IReadOnlyList<InvalidRow> InvalidRows { get; init; } = [];
    /// <summary>The segment's first dead letters of this round, by line.</summary>
    [Id(11)] public IReadOnlyList<DeadLetter> DeadLetters { get; init; } = [];

    public bool IsDone => Status is FileStatus.Completed or FileStatus.Failed;

    /// <summary>The counts above, to sum (stored as fields: states saved before keep their numbers).</summary>
    public Counts Counts => new(Rows, Valid, Invalid, DuplicateRows, Delivered, DeadLettered);
}
