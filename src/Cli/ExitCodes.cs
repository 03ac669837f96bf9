namespace Alerts.Cli;

/// <summary>What <c>alerts</c> exits with; scripts rely on these.</summary>
public static class ExitCodes
{
    /// <summary>Done; for a watched file: completed with every alert delivered.</summary>
    public const int Ok = 0;
    /// <summary>A watched file completed with dead letters (<c>alerts retry</c> requeues them).</summary>
    public const int DeadLetters = 1;
    /// <summary>A watched file failed (unreadable, empty or binary).</summary>
    public const int Failed = 2;
    /// <summary>The command could not be done: a bad argument, an error from the gateway, or no gateway.</summary>
    public const int Error = 3;
    /// <summary>A watched file was cancelled by an operator.</summary>
    public const int Cancelled = 4;
    /// <summary>Interrupted (Ctrl+C).</summary>
    public const int Interrupted = 130;
}
