using System.Text;
using Tmds.Linux;

namespace Alerts.Grains.Inbox;

/// <summary>
/// Tells a regular file from a FIFO, a socket or a device, which .NET lists as ordinary files. Opening a FIFO
/// blocks until something writes to it: one in the inbox would stall the watcher for good.
/// </summary>
public static class FileKinds
{
    /// <summary>True when <paramref name="path"/> (links followed) exists and is anything but a regular file.</summary>
    public static unsafe bool IsSpecial(string path)
    {
        if (!OperatingSystem.IsLinux()) return false; // the check needs Linux's stat; elsewhere nothing is refused
        var bytes = Encoding.UTF8.GetBytes(path + "\0");
        stat status;
        fixed (byte* name = bytes)
        {
            if (LibC.stat(name, &status) != 0) return false; // gone or unreadable: the reader will say so
        }
        return (status.st_mode & LibC.S_IFMT) != LibC.S_IFREG;
    }
}
