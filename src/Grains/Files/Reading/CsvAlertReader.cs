using System.Globalization;
using System.Text;
using CsvHelper;
using CsvHelper.Configuration;

namespace Alerts.Grains.Files.Reading;

/// <summary>
/// Reads alert rows from a CSV file starting at a byte offset, reporting each record's line and byte
/// offset so a file can resume exactly where it stopped (a seek, never a re-parse from the start).
/// Records are <c>userId,alertMessage</c>, or just <c>userId</c> when the message is given with the file.
/// </summary>
internal sealed class CsvAlertReader : IAlertReader
{
    // The decoder turns bytes that are not UTF-8 into U+FFFD; a row carrying one is reported, not sent garbled.
    private const char InvalidUtf8 = '\uFFFD';
    private readonly FileStream _stream;
    private readonly CsvParser _parser;
    private readonly long _baseOffset;
    private readonly long _baseLine;
    private readonly string? _fixedMessage;
    private string? _badData;

    private CsvAlertReader(FileStream stream, long offset, long linesBefore, string? fixedMessage)
    {
        _stream = stream;
        _baseOffset = offset;
        _baseLine = linesBefore;
        _fixedMessage = fixedMessage;
        var encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
        var config = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            HasHeaderRecord = false,
            CountBytes = true,
            Encoding = encoding,
            BadDataFound = args => _badData ??= "bad quoting",
            DetectColumnCountChanges = false,
            IgnoreBlankLines = true,
        };
        _parser = new CsvParser(new StreamReader(stream, encoding, detectEncodingFromByteOrderMarks: false), config);
    }

    public long Offset => _baseOffset + _parser.ByteCount;

    public long Lines => _baseLine + _parser.RawRow;

    /// <summary>Opens <paramref name="path"/> at <paramref name="offset"/>, after <paramref name="linesBefore"/> lines.</summary>
    public static CsvAlertReader Open(string path, long offset, long linesBefore, string? fixedMessage)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16);
        offset = AlertReaders.SeekPastBom(stream, offset);
        return new CsvAlertReader(stream, offset, linesBefore, fixedMessage);
    }

    public SourceRow? Read()
    {
        var row = ReadRecord();
        return row is { } first && IsHeader(first) ? ReadRecord() : row;
    }

    private SourceRow? ReadRecord()
    {
        _badData = null;
        var start = Offset;
        var linesBefore = Lines;
        if (!_parser.Read()) return null;
        var line = FirstLineOf(linesBefore);
        var fields = _parser.Record ?? []; // fields are parsed here, so bad data is known only after this
        if (_badData is not null) return SourceRow.Invalid(line, start, _badData);

        var expected = _fixedMessage is null ? 2 : 1;
        if (fields.Length != expected)
            return SourceRow.Invalid(line, start, $"expected {expected} column{(expected == 1 ? "" : "s")}, found {fields.Length}");
        if (fields.Any(f => f.Contains(InvalidUtf8))) return SourceRow.Invalid(line, start, "invalid UTF-8");
        var userId = fields[0];
        var message = _fixedMessage ?? fields[1];
        var error = RowValidator.Check(userId, message);
        return error is null ? new SourceRow(line, start, userId, message, null) : SourceRow.Invalid(line, start, error);
    }

    /// <summary>The optional <c>userId,alertMessage</c> header, in any case, is only ever the first record.</summary>
    private bool IsHeader(SourceRow row)
    {
        var fields = _parser.Record ?? [];
        return row.Offset <= AlertReaders.Utf8Bom.Length && fields.Length >= 1
            && string.Equals(fields[0].Trim(), "userId", StringComparison.OrdinalIgnoreCase)
            && (fields.Length == 1 || string.Equals(fields[1].Trim(), "alertMessage", StringComparison.OrdinalIgnoreCase));
    }

    public void Dispose()
    {
        _parser.Dispose();
        _stream.Dispose();
    }

    // Blank lines skipped before a record are consumed too, so the record's first line is found by
    // counting back from its last line over the line breaks inside it.
    private long FirstLineOf(long linesBefore)
    {
        var raw = _parser.RawRecord.AsSpan().TrimEnd("\r\n");
        var breaksInside = raw.Count('\n');
        return Math.Max(linesBefore + 1, Lines - breaksInside);
    }
}
