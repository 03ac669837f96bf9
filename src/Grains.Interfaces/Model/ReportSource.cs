namespace Alerts.Grains.Interfaces.Model;

/// <summary>Where a file's rows are and which of them are still open, for its report.</summary>
[GenerateSerializer, Immutable, Alias("alerts.ReportSource")]
public sealed record ReportSource
{
    [Id(0)] public required string Path { get; init; }
    [Id(1)] public FileFormat Format { get; init; }
    [Id(2)] public string? AlertMessage { get; init; }
    /// <summary>Rows starting at or past this byte offset have not been read yet.</summary>
    [Id(3)] public long EndOffset { get; init; }
    /// <summary>Lines dispatched and not yet confirmed.</summary>
    [Id(4)] public IReadOnlyList<long> PendingLines { get; init; } = [];
    [Id(5)] public IReadOnlyList<DeadLetter> DeadLetters { get; init; } = [];
    /// <summary>The row cap the file was read with, so the report sees the same rows.</summary>
    [Id(6)] public int MaxRowBytes { get; init; }
}
