namespace Alerts.Grains.Files.Reading;

/// <summary>
/// The per-row rules; returns why a row is invalid, or null. A user id is 1–128 characters, not blank, with no
/// control character; a message is 1–4,096 characters with none but line breaks and tabs (a multi-line alert is
/// fine; a NUL, a bell or an escape sequence reaching the receiver is not).
/// </summary>
internal static class RowValidator
{
    public const int MaxUserIdLength = 128;
    public const int MaxMessageLength = 4096;

    public static string? Check(string userId, string message)
    {
        if (userId.Length == 0) return "empty user id";
        if (string.IsNullOrWhiteSpace(userId)) return "blank user id";
        if (userId.Length > MaxUserIdLength) return $"user id longer than {MaxUserIdLength} characters";
        if (userId.Any(char.IsControl)) return "control character in user id";
        if (message.Length == 0) return "empty alert message";
        if (message.Length > MaxMessageLength) return $"alert message longer than {MaxMessageLength} characters";
        if (message.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t'))) return "control character in alert message";
        return null;
    }
}
