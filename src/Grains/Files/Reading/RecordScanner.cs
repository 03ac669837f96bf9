using System.Buffers;

namespace Alerts.Grains.Files.Reading;

/// <summary>
/// Splits a file's bytes into records, from a byte offset up to an end offset, holding at most a row's worth of
/// bytes whatever the file holds. A record ends at a line feed; in CSV mode, not at one inside a quoted field.
/// A record longer than the cap is cut short and ends at the first line feed after the cap, quoted or not, so a
/// stray quote or a 100 MB line costs one invalid row and bounded memory, and reading goes on at a line start.
/// </summary>
internal sealed class RecordScanner : IDisposable
{
    private readonly FileStream _stream;
    private readonly byte[] _buffer = new byte[1 << 16];
    private readonly ArrayBufferWriter<byte> _record = new();
    private readonly long _endOffset;
    private readonly int _maxRecordBytes;
    private readonly bool _csvQuotes;
    private long _bufferOffset;
    private int _start, _end;
    private CsvState _state;

    /// <summary>Scans <paramref name="stream"/>, positioned at <paramref name="offset"/> and owned by the scanner from now on.</summary>
    public RecordScanner(FileStream stream, long offset, long endOffset, long linesBefore, int maxRecordBytes, bool csvQuotes)
    {
        _stream = stream;
        _bufferOffset = offset;
        _endOffset = endOffset;
        _maxRecordBytes = maxRecordBytes;
        _csvQuotes = csvQuotes;
        Lines = linesBefore;
    }

    /// <summary>The most bytes of one record held; a longer record is reported as too long.</summary>
    public int MaxRecordBytes => _maxRecordBytes;

    /// <summary>Byte offset just past the last record (and its line feed).</summary>
    public long Offset => _bufferOffset + _start;

    /// <summary>Line feeds consumed so far, counted from the start of the file.</summary>
    public long Lines { get; private set; }

    /// <summary>
    /// Reads the next record, without its line feed or a carriage return before it; false at the end.
    /// <paramref name="tooLong"/> says the record was longer than the cap, whose first bytes alone are returned.
    /// </summary>
    public bool Next(out ReadOnlySpan<byte> record, out bool tooLong)
    {
        _record.ResetWrittenCount();
        _state = CsvState.FieldStart;
        tooLong = false;
        var any = false;
        while (true)
        {
            if (_start == _end && !Fill())
            {
                record = Trimmed();
                return any;
            }
            any = true;
            var available = _buffer.AsSpan(_start, _end - _start);
            var room = _maxRecordBytes - _record.WrittenCount;
            var end = tooLong ? available.IndexOf((byte)'\n') : FindEnd(available);
            if (!tooLong && (end < 0 ? available.Length : end) > room)
            {
                // Over the cap: keep what fits, then the record ends at the first line feed past the cap.
                tooLong = true;
                _record.Write(available[..room]);
                var after = available[room..].IndexOf((byte)'\n');
                end = after < 0 ? -1 : room + after;
            }
            else if (!tooLong)
            {
                _record.Write(end < 0 ? available : available[..end]);
            }
            var consumed = end < 0 ? available.Length : end + 1;
            Lines += available[..consumed].Count((byte)'\n');
            _start += consumed;
            if (end >= 0)
            {
                record = Trimmed();
                return true;
            }
        }
    }

    private ReadOnlySpan<byte> Trimmed()
    {
        var written = _record.WrittenSpan;
        return written is [.., (byte)'\r'] ? written[..^1] : written;
    }

    /// <summary>Where the record ends in <paramref name="bytes"/> (its line feed), or -1; quoting state carries on.</summary>
    private int FindEnd(ReadOnlySpan<byte> bytes)
    {
        if (!_csvQuotes) return bytes.IndexOf((byte)'\n');
        var at = 0;
        while (at < bytes.Length)
        {
            switch (_state)
            {
                case CsvState.Quoted:
                    var quote = bytes[at..].IndexOf((byte)'"');
                    if (quote < 0) return -1;
                    at += quote + 1;
                    _state = CsvState.AfterQuote;
                    continue;
                case CsvState.AfterQuote when bytes[at] == '"': // an escaped quote: still inside the field
                case CsvState.FieldStart when bytes[at] == '"':
                    at++;
                    _state = CsvState.Quoted;
                    continue;
            }
            // Unquoted: only a separator or a line feed matters (a quote here is bad data, found by the parser).
            var stop = bytes[at..].IndexOfAny((byte)',', (byte)'\n');
            if (stop < 0)
            {
                _state = CsvState.Unquoted;
                return -1;
            }
            at += stop;
            if (bytes[at] == '\n') return at;
            at++;
            _state = CsvState.FieldStart;
        }
        return -1;
    }

    private bool Fill()
    {
        _bufferOffset += _end;
        (_start, _end) = (0, 0);
        var left = _endOffset - _bufferOffset;
        if (left <= 0) return false;
        _end = _stream.Read(_buffer, 0, (int)Math.Min(_buffer.Length, left));
        return _end > 0;
    }

    public void Dispose() => _stream.Dispose();

    private enum CsvState { FieldStart, Unquoted, Quoted, AfterQuote }
}
