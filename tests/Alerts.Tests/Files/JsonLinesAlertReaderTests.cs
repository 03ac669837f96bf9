using System.Text;
using Alerts.Grains.Files.Reading;
using Alerts.Grains.Interfaces.Model;
using Alerts.Tests.Support;

namespace Alerts.Tests.Files;

public sealed class JsonLinesAlertReaderTests : IDisposable
{
    private readonly TempFolder _folder = new();

    [Fact]
    public void Reads_one_object_per_line_and_skips_blank_lines()
    {
        var rows = ReadAll("{\"userId\":\"u1\",\"alertMessage\":\"hi, \\\"you\\\"\"}\r\n\n{\"alertMessage\":\"second\",\"userId\":\"u2\",\"extra\":[1,2]}");

        Assert.Equal([(1L, "u1", "hi, \"you\""), (3L, "u2", "second")], rows.Select(r => (r.Line, r.UserId!, r.Message!)));
    }

    [Theory]
    [InlineData("{\"userId\":\"u1\"", "invalid JSON")]
    [InlineData("[1,2]", "not a JSON object")]
    [InlineData("{\"alertMessage\":\"m\"}", "missing userId (a string)")]
    [InlineData("{\"userId\":7,\"alertMessage\":\"m\"}", "missing userId (a string)")]
    [InlineData("{\"userId\":\"u1\"}", "missing alertMessage (a string)")]
    [InlineData("{\"userId\":\"\",\"alertMessage\":\"m\"}", "empty user id")]
    [InlineData("{\"userId\":\"u1\",\"alertMessage\":\"m\"} trailing", "invalid JSON")]
    [InlineData("{\"userId\":\"u1\",\"alertMessage\":\"m\",\"userId\":\"u2\"}", "userId given twice")]
    [InlineData("{\"userId\":\"\\ud800\",\"alertMessage\":\"m\"}", "invalid JSON")]
    public void Bad_lines_are_reported_and_reading_goes_on(string bad, string reason)
    {
        var rows = ReadAll($"{bad}\n{{\"userId\":\"u2\",\"alertMessage\":\"fine\"}}\n");

        Assert.Equal(2, rows.Count);
        Assert.StartsWith(reason, rows[0].Error);
        Assert.True(rows[1].IsValid);
    }

    [Fact]
    public void Invalid_utf8_is_reported_per_line()
    {
        byte[] content = [.. "{\"userId\":\"u1\",\"alertMessage\":\"a"u8, 0xFF, .. "\"}\n{\"userId\":\"u2\",\"alertMessage\":\"b\"}\n"u8];

        var rows = ReadAll(content);

        Assert.Equal(["invalid UTF-8", null], rows.Select(r => r.Error));
    }

    [Fact]
    public void Resuming_at_a_saved_offset_reads_exactly_the_rest()
    {
        var path = Write(Encoding.UTF8.GetBytes("{\"userId\":\"u1\",\"alertMessage\":\"é\"}\n{\"userId\":\"u2\",\"alertMessage\":\"m\"}\n{\"userId\":\"u3\",\"alertMessage\":\"m\"}\n"));
        long offset, lines;
        using (var first = CsvAlertReaderTests.Open(path, 0, 0, null, FileFormat.JsonLines))
        {
            first.Read();
            (offset, lines) = (first.Offset, first.Lines);
        }

        using var resumed = CsvAlertReaderTests.Open(path, offset, lines, null, FileFormat.JsonLines);

        Assert.Equal([(2L, "u2"), (3L, "u3")], CsvAlertReaderTests.Drain(resumed).Select(r => (r.Line, r.UserId!)));
    }

    [Fact]
    public void A_line_over_the_cap_is_invalid_and_the_next_line_is_read()
    {
        var huge = $"{{\"userId\":\"u1\",\"alertMessage\":\"{new string('x', 70_000)}\"}}";
        var rows = ReadAll($"{huge}\n{{\"userId\":\"u2\",\"alertMessage\":\"fine\"}}\n");

        Assert.Equal([(1L, "row longer than 65536 bytes"), (2L, null)], rows.Select(r => (r.Line, r.Error)));
    }

    [Theory]
    [InlineData("alerts.jsonl", FileFormat.JsonLines)]
    [InlineData("alerts.NDJSON", FileFormat.JsonLines)]
    [InlineData("alerts.csv", FileFormat.Csv)]
    [InlineData("alerts.txt", FileFormat.Csv)]
    public void The_format_follows_the_extension(string name, FileFormat format) => Assert.Equal(format, FileFormats.Of(name));

    [Fact]
    public void Binary_and_empty_files_are_rejected_as_unreadable()
    {
        Assert.Equal("not a UTF-8 text file (binary content)", AlertReaders.RejectUnreadable(Write([0x89, 0x50, 0x4E, 0x47, 0x00, 0x01])));
        Assert.Equal("file is empty", AlertReaders.RejectUnreadable(Write([])));
        Assert.Null(AlertReaders.RejectUnreadable(Write("u1,m1\n"u8.ToArray())));
    }

    private List<SourceRow> ReadAll(string content) => ReadAll(Encoding.UTF8.GetBytes(content));

    private List<SourceRow> ReadAll(byte[] content)
    {
        using var reader = CsvAlertReaderTests.Open(Write(content), 0, 0, null, FileFormat.JsonLines);
        return CsvAlertReaderTests.Drain(reader);
    }

    private string Write(byte[] content)
    {
        var path = _folder.Combine(Guid.NewGuid().ToString("n") + ".jsonl");
        File.WriteAllBytes(path, content);
        return path;
    }

    public void Dispose() => _folder.Dispose();
}
