using Alerts.Grains.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Alerts.Grains.Inbox;

/// <summary>
/// Deletes files that have sat in <c>inbox/archive/</c> or <c>inbox/failed/</c> longer than the retention period
/// (a moved file's modification time is when it was moved), so the data root does not grow for ever. Every silo
/// sweeps; deleting what another silo deleted first is harmless.
/// </summary>
public sealed partial class ArchiveSweeper(IOptions<AlertsOptions> folders, IOptions<RecordOptions> options, TimeProvider time, ILogger<ArchiveSweeper> log)
    : BackgroundService
{
    /// <summary>Deletes what is due; returns how many files went.</summary>
    public int SweepOnce()
    {
        var before = (time.GetUtcNow() - options.Value.Retention).UtcDateTime;
        var deleted = 0;
        foreach (var folder in new[] { folders.Value.Archive, folders.Value.Failed }.Where(Directory.Exists))
        {
            foreach (var file in new DirectoryInfo(folder).EnumerateFiles())
            {
                if (file.LastWriteTimeUtc >= before) continue;
                try
                {
                    file.Delete();
                    deleted++;
                }
                catch (Exception error) when (error is IOException or UnauthorizedAccessException)
                {
                    LogDeleteFailed(error, file.FullName);
                }
            }
        }
        if (deleted > 0) LogSwept(deleted);
        return deleted;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval, time);
        do
        {
            SweepOnce();
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(LogLevel.Information, "Deleted {Count} archived files past their retention")]
    private partial void LogSwept(int count);

    [LoggerMessage(LogLevel.Warning, "Could not delete {Path}")]
    private partial void LogDeleteFailed(Exception error, string path);
}
