using System.Diagnostics;
using Alerts.Faults;

namespace Alerts.Tests.Support;

/// <summary>One of our hosts (Silo, Gateway) run as a real process, its output kept in a log file.</summary>
public sealed class HostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly CountdownEvent _streamsOpen;

    private HostProcess(Process process, string logPath, CountdownEvent streamsOpen)
    {
        _process = process;
        LogPath = logPath;
        _streamsOpen = streamsOpen;
    }

    public string LogPath { get; }

    /// <summary>Exited, and all it wrote is in the log: the output handlers run after the exit is seen, and a test reads the log next.</summary>
    public bool HasExited => _process.HasExited && _streamsOpen.IsSet;
    public int ExitCode => _process.ExitCode;
    public int Id => _process.Id;

    public static HostProcess Start(string project, string logPath, IReadOnlyDictionary<string, string> environment, params string[] args) =>
        Start(project, logPath, environment, cgroup: null, args);

    /// <summary>Starts the host inside <paramref name="cgroup"/> (when given), so that a <see cref="NetworkPartition"/> can cut it off.</summary>
    public static HostProcess Start(string project, string logPath, IReadOnlyDictionary<string, string> environment, ProcessCgroup? cgroup, params string[] args)
    {
        var (fileName, arguments) = cgroup?.Wrap("dotnet", [RepoPaths.HostDll(project), .. args]) ?? ("dotnet", [RepoPaths.HostDll(project), .. args]);
        var start = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetDirectoryName(logPath)! };
        foreach (var arg in arguments) start.ArgumentList.Add(arg);
        foreach (var (key, value) in environment) start.Environment[key] = value;
        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {project}");
        var log = new StreamWriter(logPath) { AutoFlush = true };
        var streamsOpen = new CountdownEvent(2);
        void Write(DataReceivedEventArgs e)
        {
            if (e.Data is null) streamsOpen.Signal(); // the stream's end
            else lock (log) log.WriteLine(e.Data);
        }
        process.OutputDataReceived += (_, e) => Write(e);
        process.ErrorDataReceived += (_, e) => Write(e);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new HostProcess(process, logPath, streamsOpen);
    }

    /// <summary>The end of the log, for failure messages.</summary>
    public string Tail(int lines = 40) => string.Join('\n', LogLines().TakeLast(lines));

    /// <summary>The whole log so far, read beside the process still writing it.</summary>
    public string[] LogLines()
    {
        using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        return new StreamReader(stream).ReadToEnd().Split('\n');
    }

    public void Kill() => _process.Kill(entireProcessTree: true);

    /// <summary>Asks the process to stop, like <c>kill -TERM</c>, and waits until it has.</summary>
    public async Task TerminateAsync(TimeSpan timeout)
    {
        if (SendSignal(_process.Id, SigTerm) != 0) throw new InvalidOperationException($"kill -TERM {_process.Id} failed");
        await _process.WaitForExitAsync().WaitAsync(timeout);
    }

    private const int SigTerm = 15;

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            ProcessFreeze.Thaw(_process.Id); // a process a failed test left frozen
            Kill();
        }
        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
