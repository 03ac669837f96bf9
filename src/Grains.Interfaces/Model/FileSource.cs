namespace Alerts.Grains.Interfaces.Model;

/// <summary>Where a file to process lies, as the watcher or the upload saw it.</summary>
[GenerateSerializer, Immutable, Alias("alerts.FileSource")]
public sealed record FileSource
{
    /// <summary>Absolute path on the shared data root.</summary>
    [Id(0)] public required string Path { get; init; }

    /// <summary>The name the user gave the file.</summary>
    [Id(1)] public required string Name { get; init; }

    [Id(2)] public long Size { get; init; }

    /// <summary>For a single-column file of user ids: the message every user gets.</summary>
    [Id(3)] public string? AlertMessage { get; init; }

    /// <summary>The file's modification time when it was hashed, to tell later whether it changed.</summary>
    [Id(4)] public DateTime? Modified { get; init; }

    /// <summary>Nothing of the file is sent before this time.</summary>
    [Id(5)] public DateTimeOffset? NotBefore { get; init; }

    [Id(6)] public FilePriority Priority { get; init; }
}
