namespace Alerts.Grains.Interfaces.Model;

/// <summary>Where a file stands.</summary>
[GenerateSerializer, Alias("alerts.FileStatus")]
public enum FileStatus
{
    /// <summary>Seen, not yet read.</summary>
    Discovered,
    /// <summary>Rows are being read and dispatched.</summary>
    Reading,
    /// <summary>All rows read; waiting for the last confirmations.</summary>
    Delivering,
    /// <summary>Every valid alert delivered or dead-lettered; the file is in the archive.</summary>
    Completed,
    /// <summary>The file could not be read at all; see the error.</summary>
    Failed,
}
