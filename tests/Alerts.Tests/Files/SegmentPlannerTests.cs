using System.Text;
using Alerts.Grains.Files.Reading;
using Alerts.Grains.Files.Segments;
using Alerts.Grains.Interfaces.Model;
using Alerts.Tests.Support;

namespace Alerts.Tests.Files;

public sealed class SegmentPlannerTests : IDisposable
{
    private const int MaxRowBytes = 1024;
    private readonly TempFolder _folder = new();

    // A header, a BOM, quoted line breaks and commas, a blank line, an invalid row, an over-long row, no final line feed.
    private static readonly byte[] Csv = [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(
        "userId,alertMessage\r\nu1,plain\r\n\"u2\",\"comma, inside\"\nu3,\"two\nlines\nand three\"\n\nu4,bad\"quote\n"
        + $"u5,{new string('x', 3000)}\nu6,\"say \"\"hi\"\"\"\nu7,\"\n\n\"\nu8,last")];

    private static readonly byte[] JsonLines = Encoding.UTF8.GetBytes(
        "{\"userId\":\"u1\",\"alertMessage\":\"a\"}\n\n{\"userId\":\"u2\",\"alertMessage\":\"b\\nc\"}\nnot json\n"
        + $"{{\"userId\":\"u3\",\"alertMessage\":\"{new string('y', 2000)}\"}}\n{{\"userId\":\"u4\",\"alertMessage\":\"d\"}}\n");

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void A_header_after_blank_lines_is_skipped_once_however_small_the_segments(int recordsPerSegment)
    {
        var source = Source(Encoding.UTF8.GetBytes("\n\n\nuserId,alertMessage\nu1,m1\n\nu2,m2\n"), FileFormat.Csv);

        var joined = Plan(source, recordsPerSegment).SelectMany(s => Rows(source with { EndOffset = s.End }, s.Start, s.LinesBefore)).ToList();

        Assert.Equal([(5L, "u1"), (7L, "u2")], joined.Select(r => (r.Line, r.UserId!)));
    }

    [Theory]
    [InlineData(FileFormat.Csv, 1)]
    [InlineData(FileFormat.Csv, 2)]
    [InlineData(FileFormat.Csv, 3)]
    [InlineData(FileFormat.Csv, 100)]
    [InlineData(FileFormat.JsonLines, 1)]
    [InlineData(FileFormat.JsonLines, 4)]
    public void Segments_read_one_after_another_give_exactly_the_rows_of_the_whole_file(FileFormat format, int recordsPerSegment)
    {
        var source = Source(format == FileFormat.Csv ? Csv : JsonLines, format);
        var whole = Rows(source, 0, 0);

        var segments = Plan(source, recordsPerSegment);
        var joined = segments.SelectMany(s => Rows(source with { EndOffset = s.End }, s.Start, s.LinesBefore)).ToList();

        Assert.Equal(whole, joined);
        Assert.Equal(0, segments[0].Start);
        Assert.Equal(source.EndOffset, segments[^1].End);
        Assert.All(segments.Zip(segments.Skip(1)), pair => Assert.Equal(pair.First.End, pair.Second.Start));
        if (recordsPerSegment == 1) Assert.True(segments.Count >= 5, $"{segments.Count} segments");
    }

    [Fact]
    public void A_segment_never_starts_inside_a_quoted_field()
    {
        var source = Source(Csv, FileFormat.Csv);
        var content = Encoding.UTF8.GetString(Csv);

        var starts = Plan(source, 1).Select(s => s.Start).Skip(1);

        // Each later segment starts just after a line feed that ends a record, not one inside "two\nlines\nand three".
        var quoted = content.IndexOf("two\n", StringComparison.Ordinal) + Encoding.UTF8.GetPreamble().Length;
        Assert.All(starts, start => Assert.False(start > quoted && start <= quoted + "two\nlines\nand three".Length, $"starts at {start}"));
    }

    private List<(long Start, long End, long LinesBefore)> Plan(RowSource source, int records)
    {
        var segments = new List<(long, long, long)>();
        var (start, lines) = (0L, 0L);
        while (true)
        {
            var end = SegmentPlanner.Next(source, start, lines, records);
            segments.Add((start, end.Offset, lines));
            if (end.Last) return segments;
            (start, lines) = (end.Offset, end.Lines);
        }
    }

    private static List<(long Line, long Offset, string? UserId, string? Error)> Rows(RowSource source, long offset, long lines)
    {
        using var reader = AlertReaders.Open(source, offset, lines);
        var rows = new List<(long, long, string?, string?)>();
        while (reader.Read() is { } row) rows.Add((row.Line, row.Offset, row.UserId, row.Error));
        return rows;
    }

    private RowSource Source(byte[] content, FileFormat format)
    {
        var path = _folder.Combine(Guid.NewGuid().ToString("n"));
        File.WriteAllBytes(path, content);
        return new RowSource(format, path, content.Length, MaxRowBytes);
    }

    public void Dispose() => _folder.Dispose();
}
