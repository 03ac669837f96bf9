using System.Diagnostics;
using Alerts.Faults;

namespace Alerts.Bench.Processes;

/// <summary>A child process with its output in a log file; reports its peak resident memory (Linux VmHWM).</summary>
public sealed class BenchProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;

    private BenchProcess(string name, Process process, StreamWriter log)
    {
        Name = name;
        _process = process;
        _log = log;
    }

    public string Name { get; }

    /// <summary>Starts <paramref name="fileName"/>; with <paramref name="cores"/>, held to them by taskset (which execs: the process id stays).</summary>
    public static BenchProcess Start(string name, string logPath, string fileName, IEnumerable<string> arguments, IDictionary<string, string>? environment = null,
        string? cores = null, ProcessCgroup? cgroup = null)
    {
        if (cgroup is not null)
        {
            // Joined before the program starts, so that every socket it opens can be cut off (SCENARIO=partition).
            var (wrapper, wrapped) = cgroup.Wrap(cores is null ? fileName : "taskset", cores is null ? arguments : ["-c", cores, fileName, .. arguments]);
            return Start(name, logPath, wrapper, wrapped, environment);
        }
        var start = new ProcessStartInfo(cores is null ? fileName : "taskset") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (cores is not null)
        {
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add(cores);
            start.ArgumentList.Add(fileName);
        }
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) start.Environment[key] = value;
        var log = new StreamWriter(logPath) { AutoFlush = true };
        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {name}");
        process.OutputDataReceived += (_, e) => Write(log, e.Data);
        process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new BenchProcess(name, process, log);
    }

    public static BenchProcess StartHost(string project, string name, string logPath, IEnumerable<string> arguments, IDictionary<string, string>? environment = null,
        string? cores = null, ProcessCgroup? cgroup = null) =>
        Start(name, logPath, "dotnet", [RepoPaths.HostDll(project), .. arguments], environment, cores, cgroup);

    public bool HasExited => _process.HasExited;

    public int Id => _process.Id;

    /// <summary>Peak resident set size in MiB, read while the process lives.</summary>
    public double PeakMemoryMiB() => StatusMiB("VmHWM:");

    /// <summary>Resident set size now, in MiB.</summary>
    public double MemoryMiB() => StatusMiB("VmRSS:");

    private double StatusMiB(string field)
    {
        try
        {
            var line = File.ReadLines($"/proc/{_process.Id}/status").FirstOrDefault(l => l.StartsWith(field));
            return line is null ? 0 : double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>CPU seconds (user + system) the process has used so far.</summary>
    public double CpuSeconds()
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{_process.Id}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (double.Parse(fields[11]) + double.Parse(fields[12])) / ClockTicksPerSecond;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private const double ClockTicksPerSecond = 100; // USER_HZ on Linux

    private static void Write(StreamWriter log, string? line)
    {
        if (line is null) return;
        lock (log) log.WriteLine(line);
    }

    /// <summary>Kills the process at once, like <c>kill -9</c>, and waits for it to be gone; its log stays open until disposed.</summary>
    public void Kill()
    {
        if (_process.HasExited) return;
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        lock (_log) _log.Dispose();
    }
}
