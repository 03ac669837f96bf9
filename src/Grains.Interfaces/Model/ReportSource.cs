namespace Alerts.Grains.Interfaces.Model;

/// <summary>Where a file's rows are and which of them are still open, for its report.</summary>
[GenerateSerializer, Immutable, Alias("alerts.ReportSource")]
public sealed record ReportSource
{
    [Id(0)] public required string Path { get; init; }
    [Id(1)] public FileFormat Format { get; init; }
    [Id(2)] public string? AlertMessage { get; init; }
    /// <summary>The byte ranges read so far, in file order: one per segment started.</summary>
    [Id(3)] public IReadOnlyList<ReadRange> Read { get; init; } = [];
    /// <summary>Lines dispatched and not yet confirmed.</summary>
    [Id(4)] public IReadOnlyList<long> PendingLines { get; init; } = [];
    [Id(5)] public IReadOnlyList<DeadLetter> DeadLetters { get; init; } = [];
    /// <summary>The row cap the file was read with, so the report sees the same rows.</summary>
    [Id(6)] public int MaxRowBytes { get; init; }
    /// <summary>Whether the file is still being delivered: a row without a record is then on its way, not expired.</summary>
    [Id(7)] public bool Active { get; init; }
    /// <summary>Whether the file was cancelled: a row without a final outcome is then cancelled, and every row is read.</summary>
    [Id(8)] public bool Cancelled { get; init; }
}

/// <summary>Bytes <c>[Start, End)</c> of a file, read, after <see cref="LinesBefore"/> lines.</summary>
[GenerateSerializer, Immutable, Alias("alerts.ReadRange")]
public sealed record ReadRange([property: Id(0)] long Start, [property: Id(1)] long End, [property: Id(2)] long LinesBefore);
