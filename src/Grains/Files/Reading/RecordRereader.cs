namespace Alerts.Grains.Files.Reading;

/// <summary>Reads records again at known byte offsets (a file's window, after a crash): one seek per gap, not per record.</summary>
internal static class RecordRereader
{
    /// <summary>The valid rows at <paramref name="entries"/> (line → offset, in offset order).</summary>
    public static List<SourceRow> ValidRows(RowSource source, IReadOnlyCollection<KeyValuePair<long, long>> entries)
    {
        var rows = new List<SourceRow>(entries.Count);
        IAlertReader? reader = null;
        try
        {
            foreach (var (line, offset) in entries)
            {
                if (reader is null || reader.Offset != offset)
                {
                    reader?.Dispose();
                    reader = AlertReaders.Open(source, offset, line - 1);
                }
                if (reader.Read() is { IsValid: true } row) rows.Add(row);
            }
        }
        finally
        {
            reader?.Dispose();
        }
        return rows;
    }
}
