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

    /// <summary>Null when a partition can be made here (tried: a cgroup made, a rule added and removed); otherwise what is missing.</summary>
    public static string? WhyUnavailable()
    {
        if (!OperatingSystem.IsLinux()) return "not Linux";
        if (Environment.UserName != "root") return "not root";
        using var probe = ProcessCgroup.TryCreate("probe");
        if (probe is null) return "no writable cgroup v2 mount";
        try
        {
            using var own = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0); // a port of our own for the trial rules
            own.Start();
            var port = ((System.Net.IPEndPoint)own.LocalEndpoint).Port;
            using var partition = CutOff(probe, stillReaches: [port], listensOn: [port]);
            return null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "iptables is not installed";
        }
        catch (InvalidOperationException error)
        {
            return $"iptables cannot drop by cgroup here: {error.Message.Trim()}";
        }
    }

    /// <summary>
    /// Removes the rules and cgroups that runs killed before their cleanup left behind: rules named after a cgroup
    /// (alerts-…) that holds no process any more. A rule left in place would keep dropping traffic to ports a later
    /// run may be given; a live run's rules are left alone.
    /// </summary>
    public static void RemoveLeftovers()
    {
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root" || ProcessCgroup.MountPoint() is not { } root) return;
        try
        {
            var (_, rules) = Run("iptables", ["-w", "-S", "OUTPUT"]);
            foreach (var line in rules.Split('\n').Where(l => l.StartsWith("-A OUTPUT", StringComparison.Ordinal)))
            {
                var name = line.Split(' ').SkipWhile(word => word != "--comment").Skip(1).FirstOrDefault();
                if (name is null || !name.StartsWith("alerts-", StringComparison.Ordinal) || ProcessCgroup.Holds(root, name)) continue;
                Run("/bin/sh", ["-c", $"iptables -w -D {line[3..]}"]);
            }
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return; // no iptables: no rules
        }
        ProcessCgroup.RemoveLeftovers();
    }

    private void Add(string[] rule)
    {
        // Inserted first: an ACCEPT for loopback that a firewall put earlier in the chain would otherwise pass everything.
        var (code, output) = Run("iptables", ["-w", "-I", rule[0], "1", .. rule[1..]]);
        if (code != 0) throw new InvalidOperationException($"iptables -I failed: {output}");
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
