using System.Text;
using Alerts.Grains.Files.Reading;
using Alerts.Grains.Interfaces.Model;
using Alerts.Tests.Support;

namespace Alerts.Tests.Files;

public sealed class CsvAlertReaderTests : IDisposable
{
    private readonly TempFolder _folder = new();

    [Fact]
    public void Reads_rfc4180_rows_with_their_line_numbers()
    {
        var rows = ReadAll("userId,alertMessage\r\nu1,plain\r\n\"u2\",\"comma, inside\"\r\nu3,\"two\nlines\"\r\nu4,\"say \"\"hi\"\"\"\r\n");

        Assert.Equal(
            [(2L, "u1", "plain"), (3L, "u2", "comma, inside"), (4L, "u3", "two\nlines"), (6L, "u4", "say \"hi\"")],
            rows.Select(r => (r.Line, r.UserId!, r.Message!)));
    }

    [Fact]
    public void Skips_a_header_in_any_case_and_a_bom()
    {
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("USERID,AlertMessage\nu1,m1\n")).ToArray();

        var rows = ReadAll(bytes);

        Assert.Equal([("u1", "m1")], rows.Select(r => (r.UserId!, r.Message!)));
    }

    [Fact]
    public void A_header_after_a_bom_and_blank_lines_is_still_the_header()
    {
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("\n\r\nuserId,alertMessage\nu1,m1\n")).ToArray();

        var rows = ReadAll(bytes);

        Assert.Equal([(4L, "u1")], rows.Select(r => (r.Line, r.UserId!)));
    }

    [Fact]
    public void A_file_without_header_or_final_newline_is_read_whole()
    {
        var rows = ReadAll("u1,m1\nu2,m2");

        Assert.Equal([(1L, "u1"), (2L, "u2")], rows.Select(r => (r.Line, r.UserId!)));
    }

    [Theory]
    [InlineData("u1\n", "expected 2 columns, found 1")]
    [InlineData("u1,m1,extra\n", "expected 2 columns, found 3")]
    [InlineData(",m1\n", "empty user id")]
    [InlineData("u1,\n", "empty alert message")]
    [InlineData("u\u00071,m1\n", "control character in user id")]
    [InlineData("   ,m1\n", "blank user id")]
    [InlineData("u1,ring \u0007 the bell\n", "control character in alert message")]
    [InlineData("u1,\"esc \u001b[31m red\"\n", "control character in alert message")]
    [InlineData("u1,bad \"quote\n", "bad quoting")]
    [InlineData("u1,\"closed\" then more\n", "bad quoting")]
    public void Invalid_rows_are_reported_with_a_reason(string content, string reason)
    {
        var row = Assert.Single(ReadAll(content));

        Assert.False(row.IsValid);
        Assert.Equal(1, row.Line);
        Assert.Equal(reason, row.Error);
    }

    [Fact]
    public void Invalid_utf8_makes_its_row_invalid_and_not_the_file()
    {
        byte[] content = [.. "u1,caf\u00e9\n"u8, .. "u2,bad "u8, 0xC3, 0x28, .. "\nu3,ok\n"u8];

        var rows = ReadAll(content);

        Assert.Equal([(1L, null), (2L, "invalid UTF-8"), (3L, null)], rows.Select(r => (r.Line, r.Error)));
        Assert.Equal("caf\u00e9", rows[0].Message);
    }

    [Fact]
    public void Over_long_fields_are_invalid()
    {
        var rows = ReadAll($"{new string('u', 129)},m\nu,{new string('m', 4097)}\n");

        Assert.Equal(["user id longer than 128 characters", "alert message longer than 4096 characters"], rows.Select(r => r.Error));
    }

    [Fact]
    public void Single_column_files_take_the_message_given_with_the_file()
    {
        var path = Write("userId\nu1\nu2\n");
        using var reader = Open(path, 0, 0, "maintenance tonight");

        var rows = Drain(reader);

        Assert.Equal([("u1", "maintenance tonight"), ("u2", "maintenance tonight")], rows.Select(r => (r.UserId!, r.Message!)));
    }

    [Fact]
    public void Resuming_at_a_saved_offset_reads_exactly_the_rest()
    {
        var path = Write("userId,alertMessage\nu1,\"a\nb\"\nu2,m2\nu3,m3\n");
        long offset, lines;
        using (var first = Open(path, 0, 0, null))
        {
            first.Read(); // the header is skipped, this is u1 (two lines)
            (offset, lines) = (first.Offset, first.Lines);
        }

        using var resumed = Open(path, offset, lines, null);
        var rest = Drain(resumed);

        Assert.Equal([(4L, "u2"), (5L, "u3")], rest.Select(r => (r.Line, r.UserId!)));
        Assert.Equal(new FileInfo(path).Length, resumed.Offset);
    }

    [Fact]
    public void A_record_can_be_re_read_at_its_own_offset()
    {
        var path = Write("u1,m1\nu2,\"x, y\"\nu3,m3\n");
        using var reader = Open(path, 0, 0, null);
        var rows = Drain(reader);

        using var again = Open(path, rows[1].Offset, rows[1].Line - 1, null);

        Assert.Equal(rows[1], again.Read());
    }

    [Fact]
    public void A_row_over_the_cap_is_invalid_and_reading_goes_on_at_the_next_line()
    {
        var path = Write($"u1,m1\nu2,{new string('x', 5000)}\nu3,m3\n");
        using var reader = AlertReaders.Open(new RowSource(FileFormat.Csv, path, 0, MaxRowBytes: 1024), 0, 0);

        var rows = Drain(reader);

        Assert.Equal([(1L, null), (2L, "row longer than 1024 bytes"), (3L, null)], rows.Select(r => (r.Line, r.Error)));
        Assert.Equal("m3", rows[2].Message);
    }

    [Fact]
    public void A_stray_opening_quote_costs_one_capped_row_not_the_rest_of_the_file()
    {
        var lines = string.Concat(Enumerable.Range(3, 200).Select(i => $"u{i},message {i}\n"));
        var path = Write($"u1,m1\nu2,\"never closed\n{lines}");
        using var reader = AlertReaders.Open(new RowSource(FileFormat.Csv, path, 0, MaxRowBytes: 1024), 0, 0);

        var rows = Drain(reader);

        Assert.Equal("row longer than 1024 bytes", rows[1].Error);
        Assert.True(rows.Count > 120, $"{rows.Count} rows"); // only the lines within the first KiB after the quote are lost
        Assert.Equal(("u202", "message 202"), (rows[^1].UserId, rows[^1].Message));
    }

    [Fact]
    public void Bytes_past_the_end_offset_are_never_read()
    {
        var taken = "u1,m1\nu2,m2\n";
        var path = Write(taken + "u3,appended later\n");
        using var reader = AlertReaders.Open(new RowSource(FileFormat.Csv, path, Encoding.UTF8.GetByteCount(taken), 64 * 1024), 0, 0);

        Assert.Equal(["u1", "u2"], Drain(reader).Select(r => r.UserId));
    }

    [Fact]
    public void A_hundred_megabyte_line_is_read_in_bounded_memory()
    {
        var path = _folder.Combine("huge.csv");
        using (var file = File.Create(path))
        {
            file.Write("u1,"u8);
            var chunk = new byte[1 << 20];
            Array.Fill(chunk, (byte)'x');
            for (var i = 0; i < 100; i++) file.Write(chunk);
            file.Write("\nu2,fine\n"u8);
        }
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();

        using var reader = Open(path, 0, 0, null);
        var rows = Drain(reader);

        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        Assert.Equal(["row longer than 65536 bytes", null], rows.Select(r => r.Error));
        Assert.True(allocated < 4 << 20, $"{allocated:N0} bytes allocated to read it");
    }

    internal static IAlertReader Open(string path, long offset, long lines, string? message, FileFormat format = FileFormat.Csv) =>
        AlertReaders.Open(new RowSource(format, path, 0, 64 * 1024, message), offset, lines);

    private List<SourceRow> ReadAll(string content) => ReadAll(Encoding.UTF8.GetBytes(content));

    private List<SourceRow> ReadAll(byte[] content)
    {
        using var reader = Open(Write(content), 0, 0, null);
        return Drain(reader);
    }

    internal static List<SourceRow> Drain(IAlertReader reader)
    {
        var rows = new List<SourceRow>();
        while (reader.Read() is { } row) rows.Add(row);
        return rows;
    }

    private string Write(string content) => Write(Encoding.UTF8.GetBytes(content));

    private string Write(byte[] content)
    {
        var path = _folder.Combine(Guid.NewGuid().ToString("n") + ".csv");
        File.WriteAllBytes(path, content);
        return path;
    }

    public void Dispose() => _folder.Dispose();
}
