namespace Alerts.Grains.Files;

/// <summary>
/// Moves finished files out of the inbox without overwriting an earlier file of the same name, stamping each with
/// the time it was moved (the caller's clock): the archive sweeper keeps it a retention period from then, whatever its
/// original date.
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
    public static string MoveInto(string path, string folder, string fileId, DateTimeOffset now)
    {
        var target = TargetIn(path, folder, fileId, now);
        if (target != path) Move(path, target, fileId, now);
        return target;
    }

    /// <summary>
    /// Where <paramref name="path"/> goes in <paramref name="folder"/>, not moving it yet: itself when it is gone (its
    /// own folder is removed) or already there (then stamped: completed again, kept a retention period from now).
    /// </summary>
    public static string TargetIn(string path, string folder, string fileId, DateTimeOffset now)
    {
        if (!File.Exists(path) && new FileInfo(path).LinkTarget is null)
        {
            RemoveProcessingFolder(Path.GetDirectoryName(path)!, fileId); // removed under us: its folder need not stay
            return path;
        }
        if (Path.GetDirectoryName(Path.GetFullPath(path)) == Path.GetFullPath(folder).TrimEnd(Path.DirectorySeparatorChar))
        {
            File.SetLastWriteTimeUtc(path, now.UtcDateTime);
            return path;
        }
        var target = Path.Combine(folder, Path.GetFileName(path));
        return File.Exists(target) ? Path.Combine(folder, $"{fileId[..12]}-{Path.GetFileName(path)}") : target;
    }

    /// <summary>
    /// Moves <paramref name="path"/> to <paramref name="target"/> (from <see cref="TargetIn"/>) and stamps it; its own
    /// folder goes. Done already (the source gone, the target there), it only tidies: made again after a crash.
    /// </summary>
    public static void Move(string path, string target, string fileId, DateTimeOffset now)
    {
        if (File.Exists(path) || new FileInfo(path).LinkTarget is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Move(path, target, overwrite: true);
            File.SetLastWriteTimeUtc(target, now.UtcDateTime);
        }
        RemoveProcessingFolder(Path.GetDirectoryName(path)!, fileId);
    }
}
