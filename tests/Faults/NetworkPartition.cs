using System.Diagnostics;

namespace Alerts.Faults;

/// <summary>
/// Cuts one process off from its peers on loopback, as a network partition would, while it keeps running: iptables
/// drops every TCP packet its cgroup sends except to the ports it may still reach, and every packet others send to
/// the ports it listens on. The process must have started in its <see cref="ProcessCgroup"/>. Only the test's own
/// process and ports are touched; disposing removes every rule, whatever happened. Needs root, iptables with the
/// cgroup match and a cgroup v2 mount: <see cref="WhyUnavailable"/> says what is missing.
/// </summary>
public sealed class NetworkPartition : IDisposable
{
    private readonly List<string[]> _rules = [];

    private NetworkPartition()
    {
    }

    /// <summary>Cuts the process of <paramref name="cgroup"/> off: it reaches only <paramref name="stillReaches"/>, and nothing reaches <paramref name="listensOn"/>.</summary>
    public static NetworkPartition CutOff(ProcessCgroup cgroup, IReadOnlyCollection<int> stillReaches, IReadOnlyCollection<int> listensOn)
    {
        var partition = new NetworkPartition();
        try
        {
            string[] comment = ["-m", "comment", "--comment", cgroup.Name];
            partition.Add(["OUTPUT", "-o", "lo", "-p", "tcp", "-m", "cgroup", "--path", cgroup.Name, "-m", "multiport", "!", "--dports", string.Join(',', stillReaches), .. comment, "-j", "DROP"]);
            partition.Add(["OUTPUT", "-o", "lo", "-p", "tcp", "-m", "multiport", "--dports", string.Join(',', listensOn), .. comment, "-j", "DROP"]);
            return partition;
        }
        catch
        {
            partition.Dispose();
            throw;
        }
    }

    /// <summary>Null when a partition can be made here; otherwise what is missing.</summary>
    public static string? WhyUnavailable()
    {
        if (!OperatingSystem.IsLinux()) return "not Linux";
        if (Environment.UserName != "root") return "not root";
        if (ProcessCgroup.MountPoint() is null) return "no cgroup v2 mount";
        try
        {
            var (code, output) = Run("iptables", ["-w", "-m", "cgroup", "--help"]);
            return code == 0 && output.Contains("--path", StringComparison.Ordinal) ? null : "iptables has no cgroup match";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "iptables is not installed";
        }
    }

    private void Add(string[] rule)
    {
        var (code, output) = Run("iptables", ["-w", "-A", .. rule]);
        if (code != 0) throw new InvalidOperationException($"iptables -A failed: {output}");
        _rules.Add(rule);
    }

    public void Dispose()
    {
        foreach (var rule in Enumerable.Reverse(_rules)) Run("iptables", ["-w", "-D", .. rule]);
        _rules.Clear();
    }

    private static (int Code, string Output) Run(string file, string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output);
    }
}
