using System.Text;
using Alerts.Grains.Interfaces.Model;

namespace Alerts.Gateway.Uploads;

/// <summary>
/// An upload with a message must be a CSV of user ids alone: a row with a message of its own would be read as one
/// invalid row after another. Its first row (after an optional <c>userId</c> header) tells, read as the silo's CSV
/// reader reads it, so such a file is refused at once with the reason rather than read through to nothing delivered.
/// JSON Lines are exempt: a row's own message wins there.
/// </summary>
public static class UserIdsOnly
{
    private const int LookBytes = 64 * 1024;

    /// <summary>Why the saved upload cannot take the form's message, or null when it can (or nothing in reach says).</summary>
    public static string? Problem(string path, string name)
    {
        if (FileFormats.Of(name) != FileFormat.Csv) return null;
        var look = new byte[LookBytes];
        int read;
        using (var file = File.OpenRead(path)) read = file.ReadAtLeast(look, look.Length, throwOnEndOfStream: false);
        if (look.AsSpan(0, read).Contains((byte)0)) return null; // not text: the file's own check says what it is
        var headerPossible = true;
        foreach (var (record, line) in Records(Encoding.UTF8.GetString(look, 0, read).TrimStart('\uFEFF'), fileEnds: read < LookBytes))
        {
            if (record.Length == 0) continue;
            var fields = Fields(record);
            if (headerPossible && IsHeader(fields)) continue;
            headerPossible = false;
            return fields.Count == 1 ? null
                : $"'alertMessage' is for a file of user ids only, one per row, but line {line} has {fields.Count} columns: upload it without a message to send each row's own";
        }
        return null;
    }

    /// <summary>
    /// Whole records with the line each starts on: a line feed inside quotes is part of its record; the last piece counts
    /// only when the file ends there, not where the look was cut off.
    /// </summary>
    private static IEnumerable<(string Record, int Line)> Records(string text, bool fileEnds)
    {
        var (start, line, startLine, quoted) = (0, 1, 1, false);
        for (var at = 0; at < text.Length; at++)
        {
            if (text[at] == '"') quoted = !quoted;
            else if (text[at] == '\n')
            {
                line++;
                if (quoted) continue;
                yield return (text[start..at].TrimEnd('\r'), startLine);
                (start, startLine) = (at + 1, line);
            }
        }
        if (fileEnds && start < text.Length) yield return (text[start..].TrimEnd('\r'), startLine);
    }

    /// <summary>A record's fields, unquoted: separators inside quotes belong to their field.</summary>
    private static List<string> Fields(string record)
    {
        var (fields, field, quoted) = (new List<string>(), new StringBuilder(), false);
        foreach (var c in record)
        {
            if (c == '"') quoted = !quoted; // a doubled quote toggles twice: its text does not matter here
            else if (c == ',' && !quoted)
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else field.Append(c);
        }
        fields.Add(field.ToString());
        return fields;
    }

    // As the reader: the first record may be a header, userId alone or followed by alertMessage.
    private static bool IsHeader(List<string> fields) =>
        fields[0].Trim().Equals("userId", StringComparison.OrdinalIgnoreCase)
        && (fields.Count == 1 || fields[1].Trim().Equals("alertMessage", StringComparison.OrdinalIgnoreCase));
}
