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
    [Id(1)] public FileStatus Status { get; set; }
    [Id(2)] public string? Error { get; set; }
    /// <summary>Byte offset of the next unread record.</summary>
    [Id(3)] public long NextOffset { get; set; }
    /// <summary>Physical lines of the file before <see cref="NextOffset"/>.</summary>
    [Id(4)] public long LinesRead { get; set; }
    /// <summary>Records read (valid or not): the next row's ordinal.</summary>
    [Id(5)] public long Rows { get; set; }
    [Id(6)] public long Valid { get; set; }
    [Id(7)] public long Invalid { get; set; }
    [Id(8)] public long DuplicateRows { get; set; }
    [Id(9)] public long Delivered { get; set; }
    [Id(10)] public long DeadLettered { get; set; }
    [Id(11)] public PendingCheckpoint? Pending { get; set; }
    [Id(12)] public List<InvalidRow> InvalidRows { get; set; } = [];
    /// <summary>The first <see cref="DeadLetterSample"/> dead letters of this round by line.</summary>
    [Id(13)] public Dictionary<long, DeadLetter> DeadLetters { get; set; } = [];
    /// <summary>The dead-letter retry round; alerts carry it so users' grains send retried ones again.</summary>
    [Id(14)] public int RetryRound { get; set; }
    /// <summary>Where a retry's pass over the rows read has got to; null when none is under way.</summary>
    [Id(15)] public RowCursor? Retry { get; set; }

    public bool IsActive => Status is FileStatus.Reading or FileStatus.Delivering;

    /// <summary>Counts the outcome of a settled row.</summary>
    public void Count(long line, DispatchOutcome outcome, int? httpStatus, string? error)
    {
        switch (outcome)
        {
            case DispatchOutcome.Delivered: Delivered++; break;
            case DispatchOutcome.DuplicateRow: DuplicateRows++; break;
            case DispatchOutcome.DeadLettered:
                DeadLettered++;
                KeepInSample(new DeadLetter(line, httpStatus, error));
                break;
        }
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
        Invalid++;
        if (InvalidRows.Count < sample) InvalidRows.Add(new InvalidRow(line, reason));
    }

    public SegmentProgress Progress() => new()
    {
        Status = Status,
        Round = RetryRound,
        NextOffset = NextOffset,
        Rows = Rows,
        Valid = Valid,
        Invalid = Invalid,
        DuplicateRows = DuplicateRows,
        Delivered = Delivered,
        DeadLettered = DeadLettered,
        Error = Error,
        InvalidRows = [.. InvalidRows],
        DeadLetters = [.. DeadLetters.Values.OrderBy(d => d.Line)],
    };
}

/// <summary>A place in a segment's rows: a record's byte offset, the lines before it and its ordinal.</summary>
[GenerateSerializer, Immutable, Alias("alerts.RowCursor")]
public sealed record RowCursor([property: Id(0)] long Offset, [property: Id(1)] long Lines, [property: Id(2)] long Ordinal);
