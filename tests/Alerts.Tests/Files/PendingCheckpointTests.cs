using System.Text;
using Alerts.Grains.Files.Reading;
using Alerts.Grains.Files.Segments;
using Alerts.Grains.Interfaces.Model;
using Alerts.Tests.Support;

namespace Alerts.Tests.Files;

public sealed class PendingCheckpointTests : IDisposable
{
    private readonly TempFolder _folder = new();

    [Fact]
    public void Holds_exactly_the_pending_ordinals_from_the_lowest_one()
    {
        PendingRow[] rows = [new(107, 300, 9_000), new(5, 12, 400), new(64, 150, 5_000)];

        var checkpoint = PendingCheckpoint.Of(rows)!;

        Assert.Equal((5L, 400L, 12L), (checkpoint.FirstOrdinal, checkpoint.FirstOffset, checkpoint.FirstLine));
        Assert.Equal([5L, 64L, 107L], Enumerable.Range(0, 200).Select(i => (long)i).Where(checkpoint.Contains));
        Assert.Equal(3, checkpoint.Count);
        Assert.Null(PendingCheckpoint.Of([]));
    }

    [Fact]
    public void Two_thousand_rows_scattered_over_twenty_thousand_take_a_bit_each_at_most()
    {
        var rows = Enumerable.Range(0, 2_000).Select(i => new PendingRow(i * 10 + 3, i * 10 + 4, i * 500L)).ToList();

        var checkpoint = PendingCheckpoint.Of(rows)!;

        Assert.True(checkpoint.Bits.Length <= 20_000 / 8, $"{checkpoint.Bits.Length} bytes");
        Assert.Equal(2_000, checkpoint.Count);
    }

    [Fact]
    public void Reading_from_the_lowest_offset_finds_the_pending_rows_again_multi_line_rows_and_invalid_ones_included()
    {
        var content = "userId,alertMessage\n" + string.Concat(Enumerable.Range(0, 200).Select(i => i % 7 == 0
            ? $"u{i},\"line one\nline two {i}\"\n"
            : i % 11 == 0 ? $"u{i},bad\"quote\n" : $"u{i},m{i}\n"));
        var path = _folder.Combine("rows.csv");
        File.WriteAllText(path, content);
        var source = new RowSource(FileFormat.Csv, path, Encoding.UTF8.GetByteCount(content), 64 * 1024);
        var all = new List<PendingRow>();
        using (var reader = AlertReaders.Open(source, 0, 0))
            while (reader.Read() is { } row) all.Add(new PendingRow(all.Count, row.Line, row.Offset));
        var pending = all.Where(r => r.Ordinal % 13 == 4 || r.Ordinal is 41 or 199).ToList();

        var found = RecordRereader.Pending(source, PendingCheckpoint.Of(pending)!);

        Assert.Equal(pending, found);
    }

    public void Dispose() => _folder.Dispose();
}
