using Alerts.Grains.Interfaces.Model;

namespace Alerts.Grains.Files;

/// <summary>
/// A file's durable state. Its size is O(window + samples), never O(file), whatever fails: the rows themselves
/// stay in the file, dispatched-but-unconfirmed alerts are kept as line → byte offset, and of the dead letters only
/// a count and the first ones are kept here (each alert's own record says it is dead; a retry finds them there).
/// </summary>
[GenerateSerializer, Alias("alerts.FileState")]
public sealed class FileState
{
    [Id(0)] public string Path { get; set; } = "";
    [Id(1)] public string Name { get; set; } = "";
    [Id(2)] public long Size { get; set; }
    [Id(3)] public string? AlertMessage { get; set; }
    [Id(4)] public FileStatus Status { get; set; }
    [Id(5)] public string? Error { get; set; }

    /// <summary>Byte offset of the next unread record.</summary>
    [Id(6)] public long NextOffset { get; set; }

    /// <summary>Physical lines before <see cref="NextOffset"/>.</summary>
    [Id(7)] public long LinesRead { get; set; }

    /// <summary>Dispatched, unconfirmed alerts: line → byte offset of the record, to re-read and re-dispatch it.</summary>
    [Id(8)] public Dictionary<long, long> Window { get; set; } = [];

    [Id(9)] public long Rows { get; set; }
    [Id(10)] public long Valid { get; set; }
    [Id(11)] public long Invalid { get; set; }
    [Id(12)] public long DuplicateRows { get; set; }
    [Id(13)] public long Delivered { get; set; }
    [Id(14)] public long DeadLettered { get; set; }
    [Id(15)] public List<InvalidRow> InvalidRows { get; set; } = [];
    [Id(16)] public DateTimeOffset DiscoveredAt { get; set; }
    [Id(17)] public DateTimeOffset? CompletedAt { get; set; }
    [Id(18)] public FileFormat Format { get; set; }

    /// <summary>The first <see cref="DeadLetterSample"/> dead letters by line: line → where the record is and why it failed, to show.</summary>
    [Id(19)] public Dictionary<long, DeadLetterEntry> DeadLetters { get; set; } = [];

    public const int DeadLetterSample = 100;

    /// <summary>How many times dead letters were retried on demand; alerts carry it so users' grains send retried ones again.</summary>
    [Id(20)] public int RetryRound { get; set; }

    /// <summary>The file's modification time when it was taken from the inbox (none for uploads, which nothing else writes).</summary>
    [Id(21)] public DateTime? TakenModified { get; set; }

    /// <summary>How the file changed after it was taken (grew, shrank or was rewritten), found when it completed.</summary>
    [Id(22)] public string? Warning { get; set; }

    /// <summary>The W3C trace context the file arrived in (an upload's request), carried by its alerts to their deliveries.</summary>
    [Id(23)] public string? TraceParent { get; set; }

    /// <summary>
    /// Where a retry of dead letters has got to: the byte offset (and lines before it) of the next row to look at; null
    /// when none is under way. A retry re-reads the rows already read and dispatches those whose records are dead from
    /// an earlier round, a window at a time.
    /// </summary>
    [Id(24)] public long? RetryOffset { get; set; }

    [Id(25)] public long RetryLines { get; set; }

    public long Pending => Valid - DuplicateRows - Delivered - DeadLettered;

    public bool IsActive => Status is FileStatus.Discovered or FileStatus.Reading or FileStatus.Delivering;

    /// <summary>The dead letters by line, as users see them.</summary>
    public IEnumerable<DeadLetter> DeadLetterList() =>
        DeadLetters.OrderBy(d => d.Key).Select(d => new DeadLetter(d.Key, d.Value.HttpStatus, d.Value.Error));

    /// <summary>Settles a window line once; returns false for news of a line already settled.</summary>
    public bool Settle(long line, DispatchOutcome outcome, int? httpStatus = null, string? error = null)
    {
        if (outcome == DispatchOutcome.Queued || !Window.Remove(line, out var offset)) return false;
        switch (outcome)
        {
            case DispatchOutcome.Delivered: Delivered++; break;
            case DispatchOutcome.DuplicateRow: DuplicateRows++; break;
            case DispatchOutcome.DeadLettered:
                DeadLettered++;
                KeepInSample(line, new DeadLetterEntry(offset, httpStatus, error));
                break;
        }
        return true;
    }

    // The sample holds the dead letters with the lowest lines, whatever order they settle in.
    private void KeepInSample(long line, DeadLetterEntry entry)
    {
        if (DeadLetters.Count >= DeadLetterSample)
        {
            var highest = DeadLetters.Keys.Max();
            if (line > highest) return;
            DeadLetters.Remove(highest);
        }
        DeadLetters[line] = entry;
    }

    /// <summary>Starts a new round for every dead letter, found again by a pass over the rows read; returns how many.</summary>
    public long RequeueDeadLetters()
    {
        var count = DeadLettered;
        if (count == 0) return 0;
        DeadLetters.Clear();
        DeadLettered = 0;
        RetryRound++;
        (RetryOffset, RetryLines) = (0, 0);
        if (Status == FileStatus.Completed)
        {
            Status = FileStatus.Delivering;
            CompletedAt = null;
        }
        return count;
    }
}

/// <summary>A dead letter as its file keeps it: the record's byte offset, and the last status and error.</summary>
[GenerateSerializer, Immutable, Alias("alerts.DeadLetterEntry")]
public sealed record DeadLetterEntry([property: Id(0)] long Offset, [property: Id(1)] int? HttpStatus, [property: Id(2)] string? Error);
