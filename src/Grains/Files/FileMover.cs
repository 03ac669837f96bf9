namespace Alerts.Grains.Files;

/// <summary>
/// Moves finished files out of the inbox without overwriting an earlier file of the same name, stamping each with
/// the time it was moved: the archive sweeper keeps it a retention period from then, whatever its original date.
/// </summary>
internal static class FileMover
{
    /// <summary>A taken file's own folder (named by its id) goes with it.</summary>
    private static void RemoveProcessingFolder(string folder, string fileId)
    {
        if (Path.GetFileName(folder) != fileId) return;
        try
        {
            Directory.Delete(folder);
        }
        catch (IOException)
        {
            // something else was put there: left for an operator
        }
    }

    /// <summary>Moves <paramref name="path"/> into <paramref name="folder"/>; returns the new path (or the old one if it is gone).</summary>
    public static string MoveInto(string path, string folder, string fileId)
    {
        if (!File.Exists(path) && new FileInfo(path).LinkTarget is null)
        {
            RemoveProcessingFolder(Path.GetDirectoryName(path)!, fileId); // removed under us: its folder need not stay
            return path;
        }
        if (Path.GetDirectoryName(Path.GetFullPath(path)) == Path.GetFullPath(folder).TrimEnd(Path.DirectorySeparatorChar))
        {
            File.SetLastWriteTimeUtc(path, DateTime.UtcNow); // completed again (a retry): kept a retention period from now
            return path;
        }
        Directory.CreateDirectory(folder);
        var target = Path.Combine(folder, Path.GetFileName(path));
        if (File.Exists(target)) target = Path.Combine(folder, $"{fileId[..12]}-{Path.GetFileName(path)}");
        File.Move(path, target, overwrite: true);
        File.SetLastWriteTimeUtc(target, DateTime.UtcNow);
        RemoveProcessingFolder(Path.GetDirectoryName(path)!, fileId);
        return target;
    }
}
