using System.Security.Cryptography;

namespace Alerts.Grains.Inbox;

/// <summary>
/// Whether a file still holds what was taken: the bytes hashed into its id, up to the size it had then. A file is
/// read only that far, so rows appended later are never read (and never sent twice); this says so to the user.
/// </summary>
public static class TakenContent
{
    /// <summary>
    /// How the file changed since it was taken, or null when it did not (or cannot be checked). <paramref name="modified"/>
    /// is its modification time when taken: null when nothing else writes it (an upload).
    /// </summary>
    public static async Task<string?> ChangeAsync(string path, long size, DateTime? modified, string fileId)
    {
        var now = new FileInfo(path);
        if (size <= 0) return null;
        if (!now.Exists && now.LinkTarget is null) return "the file was removed while it was read (every row was read through the open file): there is no copy to archive";
        if (now.Length < size) return $"the file shrank from {size} to {now.Length} bytes while it was read (rewritten in place?): rows past {now.Length} bytes were not read";
        if (modified is null || now.LastWriteTimeUtc == modified) return null;
        if (await PrefixHashAsync(path, size) != fileId) return "the file was rewritten in place while it was read: rows read after the change may differ from the file as it was taken";
        return now.Length > size
            ? $"{now.Length - size} bytes were appended after the file was taken and were not read: to send those rows, drop them as a file of their own"
            : null;
    }

    private static async Task<string> PrefixHashAsync(string path, long size)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, useAsync: true);
        var buffer = new byte[1 << 16];
        for (var left = size; left > 0;)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, left)));
            if (read == 0) break;
            hash.AppendData(buffer, 0, read);
            left -= read;
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
