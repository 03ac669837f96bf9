using Alerts.Grains.Files.Segments;

namespace Alerts.Grains.Files.Reading;

/// <summary>Reads records again at known places (a segment's window, after a crash): one seek per gap, not per record.</summary>
internal static class RecordRereader
{
    /// <summary>The valid rows at <paramref name="rows"/>, given in offset order.</summary>
    public static List<SourceRow> ValidRows(RowSource source, IReadOnlyCollection<PendingRow> rows)
    {
        var found = new List<SourceRow>(rows.Count);
        IAlertReader? reader = null;
        try
        {
            foreach (var row in rows)
            {
                if (reader is null || reader.Offset != row.Offset)
                {
                    reader?.Dispose();
                    reader = AlertReaders.Open(source, row.Offset, row.Line - 1);
                }
                if (reader.Read() is { IsValid: true } read) found.Add(read);
            }
        }
        finally
        {
            reader?.Dispose();
        }
        return found;
    }

    /// <summary>The rows a checkpoint holds as pending, found by reading from its lowest one.</summary>
    public static List<PendingRow> Pending(RowSource source, PendingCheckpoint checkpoint)
    {
        var pending = new List<PendingRow>((int)Math.Min(checkpoint.Count, 1 << 16));
        using var reader = AlertReaders.Open(source, checkpoint.FirstOffset, checkpoint.FirstLine - 1);
        for (var ordinal = checkpoint.FirstOrdinal; ordinal <= checkpoint.LastOrdinal; ordinal++)
        {
            if (reader.Read() is not { } row) break;
            if (checkpoint.Contains(ordinal)) pending.Add(new PendingRow(ordinal, row.Line, row.Offset));
        }
        return pending;
    }
}
