using Alerts.Grains.Interfaces.Model;
using Orleans.Concurrency;

namespace Alerts.Grains.Interfaces;

/// <summary>
/// One input file, keyed by the lowercase hex SHA-256 of its bytes, so the same content seen twice
/// (dropped again, or seen by every silo's watcher) is one grain and is processed once.
/// </summary>
[Alias("alerts.IFileGrain")]
public interface IFileGrain : IGrainWithStringKey
{
    /// <summary>Starts processing the file at <paramref name="source"/>; a no-op for a file already known.</summary>
    Task<FileSummary> StartAsync(FileSource source);

    /// <summary>The file's status and counts, or null when no file has this id.</summary>
    [AlwaysInterleave]
    Task<FileSummary?> GetSummaryAsync();

    /// <summary>Final outcomes of alerts dispatched by this file; repeats are ignored.</summary>
    Task ConfirmAsync(IReadOnlyList<Confirmation> confirmations);

    /// <summary>Dispatches the file's dead letters again, with fresh attempts; returns how many were requeued.</summary>
    Task<int> RetryDeadLettersAsync();

    /// <summary>What a report needs to describe every row read so far, or null when no file has this id.</summary>
    [AlwaysInterleave]
    Task<ReportSource?> GetReportSourceAsync();
}
