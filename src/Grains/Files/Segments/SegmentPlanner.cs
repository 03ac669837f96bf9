using Alerts.Grains.Files.Reading;

namespace Alerts.Grains.Files.Segments;

/// <summary>
/// Cuts a file into segments at record boundaries, one at a time: from where the last segment ends, it skips a
/// segment's worth of records with the same scanner the readers use (no parsing, no hashing), so every segment
/// starts where a reader of the whole file would start a record, quoted line breaks included.
/// </summary>
internal static class SegmentPlanner
{
    /// <summary>Where a segment starting at <paramref name="start"/> (after <paramref name="linesBefore"/> lines) ends.</summary>
    public static SegmentEnd Next(RowSource source, long start, long linesBefore, int records)
    {
        using var scanner = AlertReaders.OpenRecords(source, start, linesBefore);
        // Blank lines are not counted: the first segment always holds the first record that is not blank, the
        // header's only place, so a later segment (whose reader never skips a header) cannot start before it.
        for (var counted = 0; counted < records;)
        {
            if (!scanner.Next(out var record, out _)) return new SegmentEnd(source.EndOffset, scanner.Lines, Last: true);
            if (!record.IsEmpty) counted++;
        }
        return scanner.Offset >= source.EndOffset
            ? new SegmentEnd(source.EndOffset, scanner.Lines, Last: true)
            : new SegmentEnd(scanner.Offset, scanner.Lines, Last: false);
    }
}

/// <summary>A segment's end offset, the lines before it, and whether it is the file's last.</summary>
internal readonly record struct SegmentEnd(long Offset, long Lines, bool Last);
