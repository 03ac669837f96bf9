namespace Alerts.Grains.Inbox;

/// <summary>
/// Which paths a silo may read alerts from: regular files under the inbox whose final target, links followed,
/// is inside the data root. Neither a caller on the silo's gateway port nor a link in the inbox can make a silo
/// read (and send, and move) a file elsewhere, and no FIFO or device can make it block.
/// </summary>
public static class InboxPaths
{
    public static bool MayRead(string path, string inbox, string dataRoot)
    {
        var full = Path.GetFullPath(path);
        if (!IsUnder(full, inbox)) return false;
        var info = new FileInfo(full);
        var target = info.LinkTarget is null ? full : info.ResolveLinkTarget(returnFinalTarget: true)?.FullName;
        return target is not null && IsUnder(target, dataRoot) && !FileKinds.IsSpecial(full);
    }

    private static bool IsUnder(string path, string folder)
    {
        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder)) + Path.DirectorySeparatorChar;
        return Path.GetFullPath(path).StartsWith(root, StringComparison.Ordinal);
    }
}
