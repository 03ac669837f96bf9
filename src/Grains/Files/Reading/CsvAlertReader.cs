using System.Text;
using System.Text.Unicode;

namespace Alerts.Grains.Files.Reading;

/// <summary>
/// Reads alert rows from CSV (RFC 4180: quoted fields may hold separators, doubled quotes and line breaks).
/// Records are <c>userId,alertMessage</c>, or just <c>userId</c> when the message is given with the file; an
/// optional <c>userId,alertMessage</c> header is skipped. Parsed from bytes, so each row's byte offset is exact
/// and a file resumes with a seek; CsvHelper was dropped here because it cannot bound a row's memory, and it
/// counted bytes with an allocation per character.
/// </summary>
internal sealed class CsvAlertReader(RecordScanner records, string? fixedMessage, bool atFileStart) : IAlertReader
{
    private const string BadQuoting = "bad quoting";
    private readonly string?[] _fields = new string?[3];
    // Only a reader that starts at the top of the file may meet the header: its first record that is not blank.
    private bool _headerPossible = atFileStart;

    public long Offset => records.Offset;

    public long Lines => records.Lines;

    public SourceRow? Read()
    {
        while (true)
        {
            var start = records.Offset;
            var line = records.Lines + 1;
            if (!records.Next(out var record, out var tooLong)) return null;
            if (tooLong) return SourceRow.Invalid(line, start, $"row longer than {records.MaxRecordBytes} bytes");
            if (record.IsEmpty) continue; // a blank line
            var row = Parse(record, line, start);
            if (_headerPossible)
            {
                _headerPossible = false;
                if (IsHeader()) continue;
            }
            return row;
        }
    }

    private SourceRow Parse(ReadOnlySpan<byte> record, long line, long offset)
    {
        Array.Clear(_fields);
        if (!Utf8.IsValid(record)) return SourceRow.Invalid(line, offset, "invalid UTF-8");
        var count = 0;
        var at = 0;
        while (true)
        {
            var field = ReadField(record[at..], out var used);
            if (field is null) return SourceRow.Invalid(line, offset, BadQuoting);
            if (count < _fields.Length) _fields[count] = field;
            count++;
            at += used;
            if (at >= record.Length) break;
            at++; // the separator
            if (at == record.Length) // a trailing separator: one more, empty field
            {
                if (count < _fields.Length) _fields[count] = "";
                count++;
                break;
            }
        }
        var expected = fixedMessage is null ? 2 : 1;
        if (count != expected) return SourceRow.Invalid(line, offset, $"expected {expected} column{(expected == 1 ? "" : "s")}, found {count}");
        var userId = _fields[0]!;
        var message = fixedMessage ?? _fields[1]!;
        var error = RowValidator.Check(userId, message);
        return error is null ? new SourceRow(line, offset, userId, message, null) : SourceRow.Invalid(line, offset, error);
    }

    /// <summary>The field at the start of <paramref name="bytes"/>, up to a separator or the end; null when badly quoted.</summary>
    private static string? ReadField(ReadOnlySpan<byte> bytes, out int used)
    {
        if (bytes is not [(byte)'"', ..])
        {
            used = bytes.IndexOf((byte)',') is var comma and >= 0 ? comma : bytes.Length;
            var plain = bytes[..used];
            return plain.Contains((byte)'"') ? null : Encoding.UTF8.GetString(plain);
        }
        var escaped = false;
        var at = 1;
        while (true)
        {
            var quote = bytes[at..].IndexOf((byte)'"');
            used = 0;
            if (quote < 0) return null; // never closed
            at += quote + 1;
            if (at < bytes.Length && bytes[at] == '"')
            {
                escaped = true;
                at++;
                continue;
            }
            if (at < bytes.Length && bytes[at] != ',') return null; // text after the closing quote
            used = at;
            var text = Encoding.UTF8.GetString(bytes[1..(at - 1)]);
            return escaped ? text.Replace("\"\"", "\"") : text;
        }
    }

    /// <summary>The optional <c>userId,alertMessage</c> header, in any case.</summary>
    private bool IsHeader() =>
        _fields[0] is { } first && string.Equals(first.Trim(), "userId", StringComparison.OrdinalIgnoreCase)
        && (_fields[1] is null || string.Equals(_fields[1]!.Trim(), "alertMessage", StringComparison.OrdinalIgnoreCase));

    public void Dispose() => records.Dispose();
}
