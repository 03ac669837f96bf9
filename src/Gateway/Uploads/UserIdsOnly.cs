using System.Text;

namespace Alerts.Gateway.Uploads;

/// <summary>
/// An upload with a message must be a CSV of user ids alone: a row with a message of its own would be read as one
/// invalid row after another. Its first row (after a <c>userId</c> header) tells, so such a file is refused at once
/// with the reason rather than read through to nothing delivered. JSON Lines are exempt: a row's own message wins.
/// </summary>
public static class UserIdsOnly
{
    private const int LookBytes = 64 * 1024;

    /// <summary>Why the saved upload cannot take the form's message, or null when it can (or nothing in reach says).</summary>
    public static string? Problem(string path, string name)
    {
        if (Path.GetExtension(name).ToLowerInvariant() is ".jsonl" or ".ndjson") return null;
        var start = new byte[LookBytes];
        int read;
        using (var file = File.OpenRead(path)) read = file.ReadAtLeast(start, start.Length, throwOnEndOfStream: false);
        var text = Encoding.UTF8.GetString(start, 0, read).TrimStart('\uFEFF');
        var lines = text.Split('\n');
        // The last piece may be a line cut off at the look's end: only whole lines are judged.
        var whole = read < LookBytes ? lines.Length : lines.Length - 1;
        for (var index = 0; index < whole; index++)
        {
            var line = lines[index].TrimEnd('\r');
            if (line.Length == 0 || IsHeader(line)) continue;
            var columns = Columns(line);
            return columns == 1 ? null
                : $"'alertMessage' is for a file of user ids only, one per row, but line {index + 1} has {columns} columns: upload it without a message to send each row's own";
        }
        return null;
    }

    private static bool IsHeader(string line) =>
        line.Split(',')[0].Trim().Equals("userId", StringComparison.OrdinalIgnoreCase);

    /// <summary>Fields in a CSV line: separators outside quotes, plus one.</summary>
    private static int Columns(string line)
    {
        var (columns, quoted) = (1, false);
        foreach (var c in line)
        {
            if (c == '"') quoted = !quoted;
            else if (c == ',' && !quoted) columns++;
        }
        return columns;
    }
}
