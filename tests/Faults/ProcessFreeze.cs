using System.Runtime.InteropServices;

namespace Alerts.Faults;

/// <summary>
/// Freezes a process (SIGSTOP) as a long GC pause or a stalled VM would: alive, answering nothing. Disposing thaws it
/// (SIGCONT), whatever happened meanwhile.
/// </summary>
public sealed class ProcessFreeze : IDisposable
{
    private const int SigStop = 19, SigCont = 18;
    private readonly int _pid;

    private ProcessFreeze(int pid) => _pid = pid;

    public static ProcessFreeze Of(int pid)
    {
        Send(pid, SigStop, "STOP");
        return new ProcessFreeze(pid);
    }

    /// <summary>Lets a process go on, frozen or not (a test that failed may have left it frozen).</summary>
    public static void Thaw(int pid) => kill(pid, SigCont);

    public void Dispose() => Send(_pid, SigCont, "CONT");

    private static void Send(int pid, int signal, string name)
    {
        if (kill(pid, signal) != 0) throw new InvalidOperationException($"kill -{name} {pid} failed");
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);
}
