using System.Security.Cryptography;

namespace Alerts.Grains.Inbox;

/// <summary>The file id: lowercase hex SHA-256 of the file's bytes, streamed, never loaded whole.</summary>
public static class ContentHash
{
    public static async Task<string> OfFileAsync(string path, CancellationToken cancellationToken = default)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16, useAsync: true);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
    }

    /// <summary>An id for a file the silo may not read: from its name, size and time, so it is reported once.</summary>
    public static string OfUnreadable(FileInfo file) =>
        Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"unreadable\0{file.Name}\0{file.Length}\0{file.LastWriteTimeUtc.Ticks}")));
}
