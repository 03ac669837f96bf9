namespace Alerts.Grains.Interfaces.Model;

/// <summary>Where a file stands.</summary>
[GenerateSerializer, Alias("alerts.FileStatus")]
public enum FileStatus
{
    /// <summary>Never set now (a file starts <see cref="Reading"/>); kept so that stored states keep their numbers.</summary>
    Discovered,
    /// <summary>Rows are being read and dispatched.</summary>
    Reading,
    /// <summary>All rows read; waiting for the last confirmations.</summary>
    Delivering,
    /// <summary>Every valid alert delivered or dead-lettered; the file is in the archive.</summary>
    Completed,
    /// <summary>The file could not be read at all; see the error.</summary>
    Failed,
    /// <summary>An operator paused it: none of its alerts is sent until it is resumed (shown only; stored as the status it resumes to).</summary>
    Paused,
    /// <summary>An operator cancelled it: alerts not sent by then never are; its report says <c>cancelled</c> for each.</summary>
    Cancelled,
    /// <summary>Waiting for its <c>notBefore</c> time (shown only; stored as the status it starts in).</summary>
    Scheduled,
}

/// <summary>How a file's attempts rank for permits across the cluster: high before normal, oldest first within each.</summary>
[GenerateSerializer, Alias("alerts.FilePriority")]
public enum FilePriority
{
    Normal,
    High,
}
