namespace Alerts.Grains.Interfaces.Model;

/// <summary>Where one segment stands: its counts and samples, which its file sums into the file's status.</summary>
[GenerateSerializer, Immutable, Alias("alerts.SegmentProgress")]
public sealed record SegmentProgress
{
    /// <summary><see cref="SegmentStatus.Reading"/>, <see cref="SegmentStatus.Delivering"/>, <see cref="SegmentStatus.Completed"/> or <see cref="SegmentStatus.Failed"/>.</summary>
    [Id(0)] public SegmentStatus Status { get; init; }
    /// <summary>The dead-letter retry round the segment is in.</summary>
    [Id(1)] public int Round { get; init; }
    /// <summary>Byte offset of the segment's next unread record.</summary>
    [Id(2)] public long NextOffset { get; init; }
    [Id(12)] private Counts? _counts;

    /// <summary>What came of the segment's rows so far.</summary>
    public Counts Counts
    {
        get => _counts ?? new(_storedRows, _storedValid, _storedInvalid, _storedDuplicateRows, _storedDelivered, _storedDeadLettered);
        init => _counts = value;
    }

    /// <summary>Why the segment failed (its file is gone), for <see cref="SegmentStatus.Failed"/>.</summary>
    [Id(9)] public string? Error { get; init; }
    /// <summary>The segment's first invalid rows, by line.</summary>
    [Id(10)] public IReadOnlyList<InvalidRow> InvalidRows { get; init; } = [];
    /// <summary>The segment's first dead letters of this round, by line.</summary>
    [Id(11)] public IReadOnlyList<DeadLetter> DeadLetters { get; init; } = [];

    public bool IsDone => Status is SegmentStatus.Completed or SegmentStatus.Failed;

    // A file's state saved before Counts existed holds its segments' six counts in fields of their own: the serializer
    // reads them, nothing writes them.
#pragma warning disable CS0649
    [Id(3)] private long _storedRows;
    [Id(4)] private long _storedValid;
    [Id(5)] private long _storedInvalid;
    [Id(6)] private long _storedDuplicateRows;
    [Id(7)] private long _storedDelivered;
    [Id(8)] private long _storedDeadLettered;
#pragma warning restore CS0649
}
