namespace Alerts.Faults;

/// <summary>
/// A cgroup (v2) of one process's own, which the process joins before it starts, so that every socket it ever opens
/// belongs to it: a socket stays with the cgroup it was made in, and moving a running process would leave its open
/// connections out of a <see cref="NetworkPartition"/>'s reach. Removed on dispose, once the process has gone.
/// </summary>
public sealed class ProcessCgroup : IDisposable
{
    private ProcessCgroup(string root, string name) => (Root, Name) = (root, name);

    /// <summary>The cgroup v2 mount.</summary>
    public string Root { get; }

    /// <summary>The path below <see cref="Root"/>, as iptables' cgroup match names it.</summary>
    public string Name { get; }

    public string Folder => Path.Combine(Root, Name);

    /// <summary>A new cgroup named after <paramref name="name"/>, or null where none can be made (not root, no cgroup v2).</summary>
    public static ProcessCgroup? TryCreate(string name)
    {
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root" || MountPoint() is not { } root) return null;
        var group = new ProcessCgroup(root, $"alerts-{name}-{Environment.ProcessId}-{Environment.TickCount64}");
        try
        {
            Directory.CreateDirectory(group.Folder);
            return group;
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The command line that runs <paramref name="fileName"/> inside this cgroup: a shell joins it, then execs the program (same process id).</summary>
    public (string FileName, IReadOnlyList<string> Arguments) Wrap(string fileName, IEnumerable<string> arguments) =>
        ("/bin/sh", ["-c", "echo $$ > \"$0/cgroup.procs\" && exec \"$@\"", Folder, fileName, .. arguments]);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Folder); // only empty: a process still in it keeps it (the test's own leftovers, never another's)
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
        }
    }

    /// <summary>Whether cgroup <paramref name="name"/> under <paramref name="root"/> exists and holds a process.</summary>
    public static bool Holds(string root, string name)
    {
        var procs = Path.Combine(root, name, "cgroup.procs");
        return File.Exists(procs) && File.ReadAllText(procs).Trim().Length > 0;
    }

    /// <summary>Removes empty cgroups that runs killed before their cleanup left behind (named alerts-…).</summary>
    public static void RemoveLeftovers()
    {
        if (MountPoint() is not { } root) return;
        foreach (var folder in Directory.EnumerateDirectories(root, "alerts-*"))
        {
            try
            {
                Directory.Delete(folder);
            }
            catch (Exception error) when (error is IOException or UnauthorizedAccessException)
            {
            }
        }
    }

    internal static string? MountPoint() =>
        File.ReadLines("/proc/mounts").Select(line => line.Split(' ')).Where(f => f.Length > 2 && f[2] == "cgroup2").Select(f => f[1]).FirstOrDefault();
}
