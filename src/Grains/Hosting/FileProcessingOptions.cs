namespace Alerts.Grains.Hosting;

/// <summary>How files are read and watched, bound from <c>Alerts:Files</c>.</summary>
public sealed class FileProcessingOptions
{
    public const string Section = "Alerts:Files";

    /// <summary>Most alerts of one segment dispatched but not yet confirmed (default 2,000). Bounds memory and state.</summary>
    public int Window { get; set; } = 2_000;

    /// <summary>
    /// Records per segment (default 20,000): a file is cut into segments of this many records, read and dispatched
    /// by grains spread over the silos.
    /// </summary>
    public int SegmentRows { get; set; } = 20_000;

    /// <summary>Most segments of one file reading at once (default 8); each holds up to <see cref="Window"/> alerts unconfirmed.</summary>
    public int ParallelSegments { get; set; } = 8;

    /// <summary>Rows read per chunk (default 500).</summary>
    public int ChunkRows { get; set; } = 500;

    /// <summary>An alert unconfirmed this long is dispatched again, idempotently (default 60 s).</summary>
    public TimeSpan RedispatchAfter { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Longest row, in bytes (default 64 KiB): a longer one is invalid, and reading it holds no more than this in
    /// memory. Far above the longest valid row (a 128-character user id and a 4,096-character message).
    /// </summary>
    public int MaxRowBytes { get; set; } = 64 * 1024;

    /// <summary>How many invalid rows a file keeps with line and reason (default 100).</summary>
    public int InvalidRowSample { get; set; } = 100;

    /// <summary>A file is taken once its size and time have not changed for this long (default 2 s).</summary>
    public TimeSpan QuietPeriod { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// A folder in <c>processing</c> this old that no grain has started was left by a crash between taking its file and
    /// starting it (a start takes moments; ten quiet periods leave a loaded machine room).
    /// </summary>
    public TimeSpan OrphanedAfter => 10 * QuietPeriod;

    /// <summary>How often the inbox is scanned (default 1 s).</summary>
    public TimeSpan ScanInterval { get; set; } = TimeSpan.FromSeconds(1);

    public IEnumerable<string> Validate()
    {
        if (Window <= 0) yield return $"{Section}:Window must be > 0";
        if (ChunkRows <= 0) yield return $"{Section}:ChunkRows must be > 0";
        if (SegmentRows <= 0) yield return $"{Section}:SegmentRows must be > 0";
        if (ParallelSegments <= 0) yield return $"{Section}:ParallelSegments must be > 0";
        if (MaxRowBytes < 1024) yield return $"{Section}:MaxRowBytes must be at least 1024";
        if (RedispatchAfter <= TimeSpan.Zero) yield return $"{Section}:RedispatchAfter must be > 0";
        if (ScanInterval <= TimeSpan.Zero) yield return $"{Section}:ScanInterval must be > 0";
    }
}
