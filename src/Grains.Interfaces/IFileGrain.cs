using Alerts.Grains.Interfaces.Model;
using Orleans.Concurrency;

namespace Alerts.Grains.Interfaces;

/// <summary>
/// One input file, keyed by the lowercase hex SHA-256 of its bytes, so the same content seen twice
/// (dropped again, or seen by every silo's watcher) is one grain and is processed once. It owns the file: it cuts
/// it into segments (<see cref="ISegmentGrain"/>) that run on every silo, sums their counts and completes the file.
/// </summary>
[Alias("alerts.IFileGrain")]
public interface IFileGrain : IGrainWithStringKey
{
    /// <summary>Starts processing the file at <paramref name="source"/>; a no-op for a file already known.</summary>
    Task<FileSummary> StartAsync(FileSource source);

    /// <summary>The file's status and counts, or null when no file has this id.</summary>
    [AlwaysInterleave]
    Task<FileSummary?> GetSummaryAsync();

    /// <summary>A segment finished reading or settled: the file looks at its segments now, not at its next poll.</summary>
    [OneWay]
    Task SegmentChangedAsync();

    /// <summary>
    /// Stops sending the file's alerts anywhere in the cluster (within a second; requests under way finish) until
    /// <see cref="ResumeAsync"/>; its status shows <see cref="Model.FileStatus.Paused"/>. Null when no file has this id;
    /// a file no longer active is left as it is.
    /// </summary>
    Task<FileSummary?> PauseAsync();

    /// <summary>Sends the file's alerts again where they stopped. Null when no file has this id.</summary>
    Task<FileSummary?> ResumeAsync();

    /// <summary>
    /// Stops the file for good: no alert not yet sent is ever sent (requests under way finish), its report says
    /// <c>Cancelled</c> for each, and it cannot be retried. Null when no file has this id; a file no longer active is left as it is.
    /// </summary>
    Task<FileSummary?> CancelAsync();

    /// <summary>Sends nothing of an active file before <paramref name="notBefore"/> (null: from now). Null when no file has this id.</summary>
    Task<FileSummary?> ScheduleAsync(DateTimeOffset? notBefore);

    /// <summary>Ranks an active file's attempts for permits across the cluster. Null when no file has this id.</summary>
    Task<FileSummary?> SetPriorityAsync(FilePriority priority);

    /// <summary>Dispatches the file's dead letters again, with fresh attempts; returns how many were requeued.</summary>
    Task<int> RetryDeadLettersAsync();

    /// <summary>What a report needs to describe every row read so far, or null when no file has this id.</summary>
    [AlwaysInterleave]
    Task<ReportSource?> GetReportSourceAsync();
}
