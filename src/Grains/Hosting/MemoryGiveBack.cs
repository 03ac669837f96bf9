using System.Runtime;
using Alerts.Grains.Notifications;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Alerts.Grains.Hosting;

/// <summary>
/// Gives memory back to the machine once a silo has gone quiet after a burst. The server GC keeps what a burst
/// made it commit, and an idle process allocates too little to collect at all, so a silo that activated 200,000
/// users would hold that memory for good. Once 10 s pass in which the silo allocated little (nothing much is
/// running), and it has grown since it last gave memory back or let many users' grains go, one aggressive
/// collection returns the free heap to the operating system; it costs a quiet silo nothing it would notice, and a
/// busy one never does it.
/// </summary>
public sealed partial class MemoryGiveBack(ActiveUsers users, TimeProvider time, ILogger<MemoryGiveBack> log) : BackgroundService
{
    private static readonly TimeSpan Every = TimeSpan.FromSeconds(10); // memory comes back within a minute of a burst
    private const long Worthwhile = 64L << 20; // resident beyond what the last give-back left, at least
    private const long Quiet = 8L << 20; // allocated in 10 s by a silo with nothing to deliver (under 1 MB/s)
    private const int ManyUsers = 1_000; // users' grains let go since the last give-back that make another worthwhile

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Every, time);
        var allocated = GC.GetTotalAllocatedBytes();
        var settled = Environment.WorkingSet; // resident after the last give-back (or at start)
        var usersThen = users.Count;
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            var now = GC.GetTotalAllocatedBytes();
            var quiet = now - allocated < Quiet;
            allocated = now;
            var before = Environment.WorkingSet;
            if (!quiet || (before - settled < Worthwhile && usersThen - users.Count < ManyUsers)) continue;
            GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            allocated = GC.GetTotalAllocatedBytes();
            settled = Environment.WorkingSet;
            usersThen = users.Count;
            LogGaveBack(before >> 20, settled >> 20);
        }
    }

    [LoggerMessage(LogLevel.Information, "Quiet after a burst: memory given back ({Before} MiB resident → {After} MiB)")]
    private partial void LogGaveBack(long before, long after);
}
