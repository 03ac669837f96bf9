namespace Alerts.Grains.Hosting;

/// <summary>How long delivery records, finished files and idle users are kept, and how records are committed; bound from <c>Alerts:Records</c>.</summary>
public sealed class RecordOptions
{
    public const string Section = "Alerts:Records";

    /// <summary>
    /// How long a finished file is kept: its alerts' records (dedupe holds this long), its state, its place in the
    /// list and its archived copy (default 7 days). Records of a file still running are kept while it runs.
    /// </summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// How long a record waits to share its write with others (default 10 ms). Longer means fewer Redis commands
    /// per alert; after a crash, at most this long of outcomes (and the requests in flight) can be sent again.
    /// </summary>
    public TimeSpan CommitInterval { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <summary>How long a lookup waits to share its read with others (default 2 ms).</summary>
    public TimeSpan LookupInterval { get; set; } = TimeSpan.FromMilliseconds(2);

    /// <summary>How often finished files past their retention are looked for and removed (default 1 hour).</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromHours(1);

    public IEnumerable<string> Validate()
    {
        if (Retention <= TimeSpan.Zero) yield return $"{Section}:Retention must be > 0";
        if (CommitInterval < TimeSpan.Zero || CommitInterval > TimeSpan.FromSeconds(1)) yield return $"{Section}:CommitInterval must be 0 to 1 s";
        if (LookupInterval < TimeSpan.Zero || LookupInterval > TimeSpan.FromSeconds(1)) yield return $"{Section}:LookupInterval must be 0 to 1 s";
        if (SweepInterval < TimeSpan.FromSeconds(1)) yield return $"{Section}:SweepInterval must be at least 1 s";
    }
}
