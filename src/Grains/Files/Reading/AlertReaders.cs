using Alerts.Grains.Interfaces.Model;

namespace Alerts.Grains.Files.Reading;

/// <summary>Picks the reader for a file and tells text from binary.</summary>
internal static class AlertReaders
{
    private const int SniffBytes = 8192;
    private static readonly byte[] Utf8Bom = [0xEF, 0xBB, 0xBF];

    /// <summary>Opens <paramref name="source"/> at <paramref name="offset"/>, which follows <paramref name="linesBefore"/> lines.</summary>
    public static IAlertReader Open(RowSource source, long offset, long linesBefore)
    {
        var records = OpenRecords(source, offset, linesBefore);
        return source.Format != FileFormat.JsonLines
            ? new CsvAlertReader(records, source.FixedMessage, atFileStart: offset == 0)
            : new JsonLinesAlertReader(records, source.FixedMessage);
    }

    /// <summary>The records of <paramref name="source"/> from <paramref name="offset"/>, split as its reader splits them.</summary>
    public static RecordScanner OpenRecords(RowSource source, long offset, long linesBefore)
    {
        var stream = new FileStream(source.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 1);
        try
        {
            offset = SeekPastBom(stream, offset);
            var end = source.EndOffset > 0 ? source.EndOffset : long.MaxValue;
            return new RecordScanner(stream, offset, end, linesBefore, source.MaxRowBytes, csvQuotes: source.Format != FileFormat.JsonLines);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Why the file cannot be read as text at all, or null when it can.</summary>
    public static string? RejectUnreadable(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        if (stream.Length == 0) return "file is empty";
        Span<byte> head = stackalloc byte[SniffBytes];
        var read = stream.ReadAtLeast(head, SniffBytes, throwOnEndOfStream: false);
        // NUL never occurs in UTF-8 text; it marks binary files and UTF-16 text alike.
        return head[..read].Contains((byte)0) ? "not a UTF-8 text file (binary content)" : null;
    }

    /// <summary>Seeks to <paramref name="offset"/>, or past a UTF-8 BOM at the start; returns the position.</summary>
    private static long SeekPastBom(FileStream stream, long offset)
    {
        if (offset == 0)
        {
            Span<byte> head = stackalloc byte[3];
            var read = stream.ReadAtLeast(head, 3, throwOnEndOfStream: false);
            if (read == 3 && head.SequenceEqual(Utf8Bom)) offset = Utf8Bom.Length;
        }
        stream.Seek(offset, SeekOrigin.Begin);
        return offset;
    }
}
