using System.Threading.Channels;
using Alerts.Grains.Common;
using Alerts.Grains.Interfaces;
using Alerts.Grains.Interfaces.Model;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Alerts.Grains.Delivery;

/// <summary>
/// Carries delivery outcomes from users' grains back to the files' segments that dispatched them, in batches,
/// from outside any grain turn: a user's grain never awaits a segment, so no call cycle can form, and a segment
/// gets one call per batch instead of one per alert. A lost batch (silo crash) is safe: the segment re-dispatches
/// what it has not heard of, and the user's grain confirms from its records. Each segment has a lane of its own: a
/// segment whose silo stopped answering holds back only its own confirmations, never the other segments'.
/// </summary>
public sealed partial class ConfirmationBatcher : BackgroundService
{
    private const int MaxBatch = 4096;
    private static readonly TimeSpan GatherDelay = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);
    private readonly Channel<(string FileId, int Segment, Confirmation Confirmation)> _queue = Channel.CreateUnbounded<(string, int, Confirmation)>();

    private readonly IGrainFactory _grains;
    private readonly ILogger<ConfirmationBatcher> _log;
    private readonly KeyedLanes<(string FileId, int Segment), Confirmation> _lanes;
    private CancellationToken _stopping;
    private int _pending;

    public ConfirmationBatcher(IGrainFactory grains, ILogger<ConfirmationBatcher> log)
    {
        (_grains, _log) = (grains, log);
        _lanes = new((segment, confirmations) => SendAsync(segment.FileId, segment.Segment, confirmations, _stopping));
    }

    /// <summary>Confirmations queued or being sent: a draining silo waits for none to be left.</summary>
    public int Pending => Volatile.Read(ref _pending);

    /// <summary>Queues the outcome of <paramref name="alert"/> for the segment that dispatched it.</summary>
    public void Enqueue(Alert alert, Confirmation confirmation)
    {
        Interlocked.Increment(ref _pending);
        _queue.Writer.TryWrite((alert.FileId, alert.Segment, confirmation));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _stopping = stoppingToken;
        var batch = new List<(string FileId, int Segment, Confirmation Confirmation)>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync(stoppingToken))
        {
            await Task.Delay(GatherDelay, stoppingToken);
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var item)) batch.Add(item);
            foreach (var segment in batch.GroupBy(c => (c.FileId, c.Segment)))
                _lanes.Post(segment.Key, [.. segment.Select(c => c.Confirmation)]);
            batch.Clear();
        }
    }

    private async Task SendAsync(string fileId, int segment, List<Confirmation> confirmations, CancellationToken stoppingToken)
    {
        try
        {
            await _grains.GetGrainByKey<ISegmentGrain>(SegmentKeys.Of(fileId, segment)).ConfirmAsync(confirmations);
        }
        catch (Exception error) when (!stoppingToken.IsCancellationRequested)
        {
            LogConfirmFailed(_log, error, SegmentKeys.Of(fileId, segment), confirmations.Count);
            _ = RequeueLaterAsync(fileId, segment, confirmations, stoppingToken);
            return; // still pending
        }
        Interlocked.Add(ref _pending, -confirmations.Count);
    }

    private async Task RequeueLaterAsync(string fileId, int segment, List<Confirmation> confirmations, CancellationToken stoppingToken)
    {
        await Task.Delay(RetryDelay, stoppingToken);
        foreach (var confirmation in confirmations) _queue.Writer.TryWrite((fileId, segment, confirmation)); // counted pending already
    }

    [LoggerMessage(LogLevel.Warning, "Confirming {Count} alerts to segment {Segment} failed; retrying")]
    private static partial void LogConfirmFailed(ILogger logger, Exception error, string segment, int count);
}
