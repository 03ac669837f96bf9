using System.Buffers;
using System.Text.Json;
using System.Text.Unicode;

namespace Alerts.Grains.Files.Reading;

/// <summary>
/// Reads JSON Lines (<c>{"userId":..,"alertMessage":..}</c> per line) from a byte offset. Lines are split
/// on bytes, so offsets are exact whatever the text; blank lines are skipped; a bad line is reported, never fatal.
/// </summary>
internal sealed class JsonLinesAlertReader : IAlertReader
{
    private const int MaxLineBytes = 1 << 20;
    private readonly FileStream _stream;
    private readonly byte[] _buffer = new byte[1 << 16];
    private readonly ArrayBufferWriter<byte> _line = new();
    private readonly string? _fixedMessage;
    private int _start, _end;

    private JsonLinesAlertReader(FileStream stream, long offset, long linesBefore, string? fixedMessage)
    {
        _stream = stream;
        Offset = offset;
        Lines = linesBefore;
        _fixedMessage = fixedMessage;
    }

    public long Offset { get; private set; }

    public long Lines { get; private set; }

    public static JsonLinesAlertReader Open(string path, long offset, long linesBefore, string? fixedMessage)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1);
        offset = AlertReaders.SeekPastBom(stream, offset);
        return new JsonLinesAlertReader(stream, offset, linesBefore, fixedMessage);
    }

    public SourceRow? Read()
    {
        while (true)
        {
            var start = Offset;
            if (!TryReadLine(out var tooLong)) return null;
            Lines++;
            if (tooLong) return SourceRow.Invalid(Lines, start, $"line longer than {MaxLineBytes} bytes");
            var text = _line.WrittenSpan.TrimEnd((byte)'\r');
            if (text.Trim(" \t"u8).IsEmpty) continue;
            return Parse(text, Lines, start);
        }
    }

    private SourceRow Parse(ReadOnlySpan<byte> text, long line, long offset)
    {
        if (!Utf8.IsValid(text)) return SourceRow.Invalid(line, offset, "invalid UTF-8");
        string? userId = null, message = null;
        try
        {
            var json = new Utf8JsonReader(text);
            if (!json.Read() || json.TokenType != JsonTokenType.StartObject) return SourceRow.Invalid(line, offset, "not a JSON object");
            while (json.Read() && json.TokenType == JsonTokenType.PropertyName)
            {
                var name = json.GetString();
                json.Read();
                if (string.Equals(name, "userId", StringComparison.OrdinalIgnoreCase)) userId = StringOrNull(ref json);
                else if (string.Equals(name, "alertMessage", StringComparison.OrdinalIgnoreCase)) message = StringOrNull(ref json);
                else json.Skip();
            }
            if (json.TokenType != JsonTokenType.EndObject || json.Read()) return SourceRow.Invalid(line, offset, "invalid JSON");
        }
        catch (JsonException error)
        {
            return SourceRow.Invalid(line, offset, $"invalid JSON: {error.Message}");
        }
        message ??= _fixedMessage;
        if (userId is null) return SourceRow.Invalid(line, offset, "missing userId (a string)");
        if (message is null) return SourceRow.Invalid(line, offset, "missing alertMessage (a string)");
        var problem = RowValidator.Check(userId, message);
        return problem is null ? new SourceRow(line, offset, userId, message, null) : SourceRow.Invalid(line, offset, problem);
    }

    private static string? StringOrNull(ref Utf8JsonReader json)
    {
        if (json.TokenType == JsonTokenType.String) return json.GetString();
        json.Skip();
        return null;
    }

    /// <summary>Reads up to and past the next line feed into <see cref="_line"/>; false at the end of the file.</summary>
    private bool TryReadLine(out bool tooLong)
    {
        _line.ResetWrittenCount();
        tooLong = false;
        var any = false;
        while (true)
        {
            if (_start == _end)
            {
                (_start, _end) = (0, _stream.Read(_buffer));
                if (_end == 0) return any;
            }
            var available = _buffer.AsSpan(_start, _end - _start);
            var newline = available.IndexOf((byte)'\n');
            var content = newline >= 0 ? available[..newline] : available;
            if (_line.WrittenCount + content.Length <= MaxLineBytes) _line.Write(content);
            else tooLong = true;
            any = true;
            var consumed = newline >= 0 ? newline + 1 : available.Length;
            _start += consumed;
            Offset += consumed;
            if (newline >= 0) return true;
        }
    }

    public void Dispose() => _stream.Dispose();
}
