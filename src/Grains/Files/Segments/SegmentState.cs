using Alerts.Grains.Interfaces.Model;

namespace Alerts.Grains.Files.Segments;

/// <summary>
/// A segment's durable state: its plan, where reading got to, its counts, its unconfirmed rows as a
/// <see cref="PendingCheckpoint"/> and small samples of invalid rows and dead letters. A few hundred bytes plus a
/// bit per row of the segment at most, whatever fails.
/// </summary>
[GenerateSerializer, Alias("alerts.SegmentState")]
public sealed class SegmentState
{
    public const int DeadLetterSample = 100;

    /// <summary>Null until the segment is started.</summary>
    [Id(0)] public SegmentPlan? Plan { get; set; }
    [Id(1)] public SegmentStatus Status { get; set; }
    [Id(2)] public string? Error { get; set; }
    /// <summary>Byte offset of the next unread record.</summary>
    [Id(3)] public long NextOffset { get; set; }
    /// <summary>Physical lines of the file before <see cref="NextOffset"/>.</summary>
    [Id(4)] public long LinesRead { get; set; }
    /// <summary>What came of the rows so far; its <see cref="Counts.Rows"/> (records read, valid or not) is the next row's ordinal.</summary>
    public Counts Counts
    {
        get => _counts ?? new(_storedRows, _storedValid, _storedInvalid, _storedDuplicateRows, _storedDelivered, _storedDeadLettered);
        set => _counts = value;
    }

    [Id(11)] public PendingCheckpoint? Pending { get; set; }
    [Id(12)] public List<InvalidRow> InvalidRows { get; set; } = [];
    /// <summary>The first <see cref="DeadLetterSample"/> dead letters of this round by line.</summary>
    [Id(13)] public Dictionary<long, DeadLetter> DeadLetters { get; set; } = [];
    /// <summary>The dead-letter retry round; alerts carry it so users' grains send retried ones again.</summary>
    [Id(14)] public int RetryRound { get; set; }
    /// <summary>Where a retry's pass over the rows read has got to; null when none is under way.</summary>
    [Id(15)] public RowCursor? Retry { get; set; }

    [Id(16)] private Counts? _counts;

    // State saved before Counts existed holds the six counts in fields of their own: the serializer reads them, nothing
    // writes them.
#pragma warning disable CS0649
    [Id(5)] private long _storedRows;
    [Id(6)] private long _storedValid;
    [Id(7)] private long _storedInvalid;
    [Id(8)] private long _storedDuplicateRows;
    [Id(9)] private long _storedDelivered;
    [Id(10)] private long _storedDeadLettered;
#pragma warning restore CS0649

    public bool IsActive => Status is SegmentStatus.Reading or SegmentStatus.Delivering;

    /// <summary>Counts a record read; returns its ordinal.</summary>
    public long CountRead(bool valid)
    {
        var ordinal = Counts.Rows;
        Counts = Counts with { Rows = ordinal + 1, Valid = Counts.Valid + (valid ? 1 : 0) };
        return ordinal;
    }

    /// <summary>Counts the outcome of a settled row.</summary>
    public void Count(long line, DispatchOutcome outcome, int? httpStatus, string? error)
    {
        switch (outcome)
        {
            case DispatchOutcome.Delivered: Counts = Counts with { Delivered = Counts.Delivered + 1 }; break;
            case DispatchOutcome.DuplicateRow: Counts = Counts with { DuplicateRows = Counts.DuplicateRows + 1 }; break;
            case DispatchOutcome.DeadLettered:
                Counts = Counts with { DeadLettered = Counts.DeadLettered + 1 };
                KeepInSample(new DeadLetter(line, httpStatus, error));
                break;
        }
    }

    /// <summary>A dead-letter retry round starts: the dead letters are pending again.</summary>
    public void ForgetDeadLetters()
    {
        Counts = Counts with { DeadLettered = 0 };
        DeadLetters.Clear();
    }

    // The sample holds the dead letters with the lowest lines, whatever order they settle in.
    private void KeepInSample(DeadLetter dead)
    {
        if (DeadLetters.Count >= DeadLetterSample)
        {
            var highest = DeadLetters.Keys.Max();
            if (dead.Line > highest) return;
            DeadLetters.Remove(highest);
        }
        DeadLetters[dead.Line] = dead;
    }

    public void CountInvalid(long line, string reason, int sample)
    {
        Counts = Counts with { Invalid = Counts.Invalid + 1 };
        if (InvalidRows.Count < sample) InvalidRows.Add(new InvalidRow(line, reason));
    }

    public SegmentProgress Progress() => new()
    {
        Status = Status,
        Round = RetryRound,
        NextOffset = NextOffset,
        Counts = Counts,
        Error = Error,
        InvalidRows = [.. InvalidRows],
        DeadLetters = [.. DeadLetters.Values.OrderBy(d => d.Line)],
    };
}

/// <summary>A place in a segment's rows: a record's byte offset, the lines before it and its ordinal.</summary>
[GenerateSerializer, Immutable, Alias("alerts.RowCursor")]
public sealed record RowCursor([property: Id(0)] long Offset, [property: Id(1)] long Lines, [property: Id(2)] long Ordinal);
