namespace Alerts.Grains.Files.Reading;

/// <summary>The per-row rules (user id and message lengths, no control characters in a user id); returns why a row is invalid, or null.</summary>
internal static class RowValidator
{
    public const int MaxUserIdLength = 128;
    public const int MaxMessageLength = 4096;

    public static string? Check(string userId, string message)
    {
        if (userId.Length == 0) return "empty user id";
        if (userId.Length > MaxUserIdLength) return $"user id longer than {MaxUserIdLength} characters";
        if (userId.Any(char.IsControl)) return "control character in user id";
        if (message.Length == 0) return "empty alert message";
        if (message.Length > MaxMessageLength) return $"alert message longer than {MaxMessageLength} characters";
        return null;
    }
}
