using Alerts.Grains.Interfaces.Model;
using Alerts.Grains.Files.Segments;

namespace Alerts.Grains.Files;

/// <summary>
/// A file's durable state: what it is, its segments as planned with their last counts, and small samples of invalid
/// rows and dead letters. The rows stay in the file and the unconfirmed alerts in the segments' own states; this
/// holds a few dozen bytes per segment.
/// </summary>
[GenerateSerializer, Alias("alerts.FileState")]
public sealed class FileState
{
    /// <summary>As many as a segment keeps: the file's first ones are among its segments' first ones.</summary>
    public const int DeadLetterSample = SegmentState.DeadLetterSample;

    [Id(0)] public string Path { get; set; } = "";
    [Id(1)] public string Name { get; set; } = "";
    [Id(2)] public long Size { get; set; }
    [Id(3)] public string? AlertMessage { get; set; }
    [Id(4)] public FileStatus Status { get; set; }
    [Id(5)] public string? Error { get; set; }
    [Id(6)] public FileFormat Format { get; set; }
    [Id(7)] public DateTimeOffset DiscoveredAt { get; set; }
    [Id(8)] public DateTimeOffset? CompletedAt { get; set; }

    /// <summary>The row cap the file is cut and read with, fixed when it is taken so every segment cuts records alike.</summary>
    [Id(9)] public int MaxRowBytes { get; set; }

    /// <summary>Records per segment, fixed when the file is taken: a plan made again after a crash cuts the same segments.</summary>
    [Id(18)] public int SegmentRows { get; set; }

    /// <summary>The segments planned so far, in file order.</summary>
    [Id(10)] public List<SegmentEntry> Segments { get; set; } = [];

    /// <summary>Whether the last segment, up to the file's size, is planned.</summary>
    public bool Planned => Segments is [.., var last] && last.End >= Size;

    /// <summary>The first invalid rows of all segments, by line.</summary>
    [Id(12)] public List<InvalidRow> InvalidRows { get; set; } = [];

    /// <summary>The first <see cref="DeadLetterSample"/> dead letters of this round, of all segments, by line.</summary>
    [Id(13)] public List<DeadLetter> DeadLetters { get; set; } = [];

    /// <summary>How many times dead letters were retried on demand.</summary>
    [Id(14)] public int RetryRound { get; set; }

    /// <summary>The file's modification time when it was taken from the inbox (none for uploads, which nothing else writes).</summary>
    [Id(15)] public DateTime? TakenModified { get; set; }

    /// <summary>How the file changed after it was taken (grew, shrank or was rewritten), found when it completed.</summary>
    [Id(16)] public string? Warning { get; set; }

    /// <summary>The W3C trace context the file arrived in (an upload's request), carried by its alerts to their deliveries.</summary>
    [Id(17)] public string? TraceParent { get; set; }

    /// <summary>
    /// Where the file was when it was last saved on its way to <see cref="Path"/> (the archive or the failed folder):
    /// the move follows the save, and an activation after a crash between the two makes it.
    /// </summary>
    [Id(19)] public string? MovingFrom { get; set; }

    /// <summary>When an operator paused the file, while it is paused.</summary>
    [Id(20)] public DateTimeOffset? PausedAt { get; set; }

    /// <summary>Nothing of the file is sent before this time (an upload's or an operator's schedule); null once it has come.</summary>
    [Id(21)] public DateTimeOffset? NotBefore { get; set; }

    [Id(22)] public FilePriority Priority { get; set; }

    /// <summary>Whether none of its alerts may go now: paused, or its time not come.</summary>
    public bool IsHeld(DateTimeOffset now) => PausedAt is not null || NotBefore > now;

    public bool IsActive => Status is FileStatus.Discovered or FileStatus.Reading or FileStatus.Delivering;

    /// <summary>The segments' counts, summed.</summary>
    public Counts Counts => Segments.Aggregate(default(Counts), (sum, segment) => sum + segment.Progress.Counts);

    /// <summary>Bytes read so far, over all segments.</summary>
    public long BytesRead => Segments.Sum(s => Math.Max(0, s.Progress.NextOffset - s.Start));

    /// <summary>Where the next segment starts: the end of the last one planned.</summary>
    public (long Offset, long Lines) NextSegmentStart => Segments is [.., var last] ? (last.End, last.LinesAtEnd) : (0, 0);

    /// <summary>
    /// Whether another segment may be cut and started: while fewer than <paramref name="parallel"/> are reading and
    /// fewer than twice that have not settled. A segment that finished reading still holds up to a window unconfirmed,
    /// and those must stay bounded too (a slow user's last alerts, or segments smaller than a window).
    /// </summary>
    public bool MayStartSegment(int parallel) =>
        !Planned && Status == FileStatus.Reading
        && Segments.Count(s => s.Progress.Status == SegmentStatus.Reading) < parallel
        && Segments.Count(s => !s.Progress.IsDone) < 2 * parallel;

    /// <summary>A segment whose dead letters are still from before the current retry round.</summary>
    public bool Lags(SegmentEntry segment) => segment.Progress.Round < RetryRound && segment.Progress.Counts.DeadLettered > 0;

    /// <summary>Takes a segment's progress: its counts in its entry, its samples merged into the file's.</summary>
    public void Apply(int index, SegmentProgress progress, int invalidRowSample)
    {
        Segments[index] = Segments[index] with { Progress = progress with { InvalidRows = [], DeadLetters = [] } };
        if (progress.InvalidRows.Count > 0) InvalidRows = Merge(InvalidRows, progress.InvalidRows, r => r.Line, invalidRowSample);
        if (progress.DeadLetters.Count > 0 && progress.Round == RetryRound) DeadLetters = Merge(DeadLetters, progress.DeadLetters, d => d.Line, DeadLetterSample);
    }

    // Samples only grow within a round, so the lowest lines of the union are exact; a line seen again replaces itself.
    private static List<T> Merge<T>(List<T> kept, IEnumerable<T> more, Func<T, long> line, int most) =>
        [.. kept.Concat(more).GroupBy(line).Select(g => g.Last()).OrderBy(line).Take(most)];
}

/// <summary>A planned segment: bytes <c>[Start, End)</c>, the lines before its start and at its end, and its last progress.</summary>
[GenerateSerializer, Immutable, Alias("alerts.SegmentEntry")]
public sealed record SegmentEntry(
    [property: Id(0)] long Start,
    [property: Id(1)] long End,
    [property: Id(2)] long LinesBefore,
    [property: Id(3)] long LinesAtEnd,
    [property: Id(4)] SegmentProgress Progress);
