using System.Text.Json;
using System.Text.Unicode;

namespace Alerts.Grains.Files.Reading;

/// <summary>
/// Reads JSON Lines (<c>{"userId":..,"alertMessage":..}</c> per line). Lines are split on bytes, so offsets are
/// exact whatever the text; blank lines are skipped; a bad line is reported, never fatal.
/// </summary>
internal sealed class JsonLinesAlertReader(RecordScanner records, string? fixedMessage) : IAlertReader
{
    public long Offset => records.Offset;

    public long Lines => records.Lines;

    public SourceRow? Read()
    {
        while (true)
        {
            var start = records.Offset;
            var line = records.Lines + 1;
            if (!records.Next(out var text, out var tooLong)) return null;
            if (tooLong) return SourceRow.Invalid(line, start, $"row longer than {records.MaxRecordBytes} bytes");
            if (text.Trim(" \t"u8).IsEmpty) continue;
            return Parse(text, line, start);
        }
    }

    private SourceRow Parse(ReadOnlySpan<byte> text, long line, long offset)
    {
        if (!Utf8.IsValid(text)) return SourceRow.Invalid(line, offset, "invalid UTF-8");
        string? userId = null, message = null;
        bool seenUser = false, seenMessage = false;
        try
        {
            var json = new Utf8JsonReader(text);
            if (!json.Read() || json.TokenType != JsonTokenType.StartObject) return SourceRow.Invalid(line, offset, "not a JSON object");
            while (json.Read() && json.TokenType == JsonTokenType.PropertyName)
            {
                var name = json.GetString();
                json.Read();
                var isUser = string.Equals(name, "userId", StringComparison.OrdinalIgnoreCase);
                if (!isUser && !string.Equals(name, "alertMessage", StringComparison.OrdinalIgnoreCase))
                {
                    json.Skip();
                    continue;
                }
                if (isUser ? seenUser : seenMessage) return SourceRow.Invalid(line, offset, $"{name} given twice"); // which one is meant?
                if (isUser) (userId, seenUser) = (StringOrNull(ref json), true);
                else (message, seenMessage) = (StringOrNull(ref json), true);
            }
            if (json.TokenType != JsonTokenType.EndObject || json.Read()) return SourceRow.Invalid(line, offset, "invalid JSON");
        }
        catch (Exception error) when (error is JsonException or InvalidOperationException) // the latter: a lone surrogate escape in a string
        {
            return SourceRow.Invalid(line, offset, $"invalid JSON: {error.Message}");
        }
        message ??= fixedMessage;
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

    public void Dispose() => records.Dispose();
}
