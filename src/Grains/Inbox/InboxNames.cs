namespace Alerts.Grains.Inbox;

/// <summary>Which names in the inbox are never taken: hidden files and files still being written.</summary>
public static class InboxNames
{
    private static readonly string[] InProgressSuffixes = [".tmp", ".part", ".crdownload"];

    public static bool IsIgnored(string fileName) =>
        fileName.StartsWith('.') || InProgressSuffixes.Any(s => fileName.EndsWith(s, StringComparison.OrdinalIgnoreCase));
}
