namespace Alerts.Grains.Files.Segments;

/// <summary>A dispatched, unconfirmed row: its place among the segment's rows, its line and where its record starts.</summary>
public readonly record struct PendingRow(long Ordinal, long Line, long Offset);

/// <summary>
/// A segment's dispatched, unconfirmed rows as it stores them: the lowest (its ordinal within the segment, offset and
/// line) and one bit for each row from it to the highest. However rows settle, it never takes more than a bit per
/// row of the segment; reading again from the lowest offset finds the rows themselves.
/// </summary>
[GenerateSerializer, Immutable, Alias("alerts.PendingCheckpoint")]
public sealed record PendingCheckpoint(
    [property: Id(0)] long FirstOrdinal,
    [property: Id(1)] long FirstOffset,
    [property: Id(2)] long FirstLine,
    [property: Id(3)] byte[] Bits)
{
    /// <summary>The checkpoint of <paramref name="rows"/>, or null when there are none.</summary>
    public static PendingCheckpoint? Of(IReadOnlyCollection<PendingRow> rows)
    {
        if (rows.Count == 0) return null;
        var first = rows.First();
        var last = first.Ordinal;
        foreach (var row in rows)
        {
            if (row.Ordinal < first.Ordinal) first = row;
            if (row.Ordinal > last) last = row.Ordinal;
        }
        var bits = new byte[(last - first.Ordinal) / 8 + 1];
        foreach (var row in rows)
        {
            var at = row.Ordinal - first.Ordinal;
            bits[at / 8] |= (byte)(1 << (int)(at % 8));
        }
        return new PendingCheckpoint(first.Ordinal, first.Offset, first.Line, bits);
    }

    /// <summary>The highest ordinal the bitmap can hold; rows past it are not pending.</summary>
    public long LastOrdinal => FirstOrdinal + Bits.LongLength * 8 - 1;

    public bool Contains(long ordinal)
    {
        var at = ordinal - FirstOrdinal;
        return at >= 0 && at / 8 < Bits.LongLength && (Bits[at / 8] & (1 << (int)(at % 8))) != 0;
    }

    public long Count => Bits.Sum(b => (long)byte.PopCount(b));
}
