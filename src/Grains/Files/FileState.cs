using Alerts.Grains.Interfaces.Model;

namespace Alerts.Grains.Files;

/// <summary>
/// A file's durable state. Its size is O(window + invalid-row sample), never O(file): the rows
/// themselves stay in the file, and dispatched-but-unconfirmed alerts are kept as line → byte offset.
/// </summary>
[GenerateSerializer, Alias("alerts.FileState")]
public sealed class FileState
{
    [Id(0)] public string Path { get; set; } = "";
    [Id(1)] public string Name { get; set; } = "";
    [Id(2)] public long Size { get; set; }
    [Id(3)] public string? AlertMessage { get; set; }
    [Id(4)] public FileStatus Status { get; set; }
    [Id(5)] public string? Error { get; set; }

    /// <summary>Byte offset of the next unread record.</summary>
    [Id(6)] public long NextOffset { get; set; }

    /// <summary>Physical lines before <see cref="NextOffset"/>.</summary>
    [Id(7)] public long LinesRead { get; set; }

    /// <summary>Dispatched, unconfirmed alerts: line → byte offset of the record, to re-read and re-dispatch it.</summary>
    [Id(8)] public Dictionary<long, long> Window { get; set; } = [];

    [Id(9)] public long Rows { get; set; }
    [Id(10)] public long Valid { get; set; }
    [Id(11)] public long Invalid { get; set; }
    [Id(12)] public long DuplicateRows { get; set; }
    [Id(13)] public long Delivered { get; set; }
    [Id(14)] public long DeadLettered { get; set; }
    [Id(15)] public List<InvalidRow> InvalidRows { get; set; } = [];
    [Id(16)] public DateTimeOffset DiscoveredAt { get; set; }
    [Id(17)] public DateTimeOffset? CompletedAt { get; set; }
    [Id(18)] public FileFormat Format { get; set; }

    public long Pending => Valid - DuplicateRows - Delivered - DeadLettered;

    public bool IsActive => Status is FileStatus.Discovered or FileStatus.Reading or FileStatus.Delivering;
}
