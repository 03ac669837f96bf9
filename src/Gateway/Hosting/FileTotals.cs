using System.Diagnostics.Metrics;
using Alerts.Grains.Interfaces;
using Alerts.Grains.Interfaces.Model;

namespace Alerts.Gateway.Hosting;

/// <summary>
/// Cluster-wide gauges of the listed files (the newest 1,000), refreshed every 15 s: files still active, alerts
/// read and not yet settled, bytes not yet read, and dead letters waiting for a retry. Each silo's own gauges say
/// what it holds; these say what is left, wherever it is.
/// </summary>
public sealed partial class FileTotals(IClusterClient cluster, ILogger<FileTotals> log) : BackgroundService
{
    public const string MeterName = "Alerts.Files";
    private const int Listed = 1_000;
    private static readonly TimeSpan Every = TimeSpan.FromSeconds(15);
    private static readonly Meter Meter = new(MeterName);
    private Totals _totals = new(0, 0, 0, 0);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        Meter.CreateObservableGauge("alerts.files.active", () => _totals.Active);
        Meter.CreateObservableGauge("alerts.files.pending_alerts", () => _totals.Pending);
        Meter.CreateObservableGauge("alerts.files.unread_bytes", () => _totals.UnreadBytes);
        Meter.CreateObservableGauge("alerts.files.dead_letters", () => _totals.DeadLetters);
        using var timer = new PeriodicTimer(Every);
        do
        {
            try
            {
                _totals = await SumAsync();
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                LogSumFailed(error); // no silo yet, or one just died: the next tick tries again
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task<Totals> SumAsync()
    {
        var entries = await cluster.GetGrain<IFileRegistryGrain>(0).ListAsync(Listed);
        var files = (await Task.WhenAll(entries.Select(e => cluster.GetGrain<IFileGrain>(e.FileId).GetSummaryAsync()))).OfType<FileSummary>().ToList();
        var active = files.Where(f => f.Status is FileStatus.Discovered or FileStatus.Reading or FileStatus.Delivering).ToList();
        return new Totals(active.Count, active.Sum(f => f.Pending), active.Sum(f => (long)(f.Size * (1 - f.Progress))), files.Sum(f => f.DeadLettered));
    }

    private sealed record Totals(int Active, long Pending, long UnreadBytes, long DeadLetters);

    [LoggerMessage(LogLevel.Debug, "Summing the files' gauges failed; trying again")]
    private partial void LogSumFailed(Exception error);
}
