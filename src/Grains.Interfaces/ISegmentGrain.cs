using Alerts.Grains.Interfaces.Model;
using Orleans.Concurrency;

namespace Alerts.Grains.Interfaces;

/// <summary>
/// One segment of a file (key: <c>{fileId}/{index}</c>, see <see cref="SegmentKeys"/>): reads its records,
/// dispatches their alerts to the users' grains with at most a window unconfirmed, takes their confirmations and
/// checkpoints compactly. Its file starts it, polls it and sums it; segments of one file run on every silo at once.
/// </summary>
[Alias("alerts.ISegmentGrain")]
public interface ISegmentGrain : IGrainWithStringKey
{
    /// <summary>Starts the segment as planned, a no-op for one already started; returns where it stands.</summary>
    Task<SegmentProgress> StartAsync(SegmentPlan plan);

    /// <summary>Final outcomes of alerts this segment dispatched; repeats are ignored.</summary>
    Task ConfirmAsync(IReadOnlyList<Confirmation> confirmations);

    /// <summary>
    /// Dispatches the segment's dead letters again in retry round <paramref name="round"/>, re-reading the file at
    /// <paramref name="path"/>; a no-op for a round already started. Returns where the segment stands.
    /// </summary>
    Task<SegmentProgress> RetryDeadLettersAsync(string path, int round);

    /// <summary>Lines dispatched and not yet confirmed, for a report.</summary>
    [AlwaysInterleave]
    Task<IReadOnlyList<long>> GetPendingLinesAsync();

    /// <summary>Stops reading and dispatching: its file failed.</summary>
    Task StopAsync(string reason);

    /// <summary>Removes the segment's state: its file expired.</summary>
    Task ForgetAsync();
}

/// <summary>How a segment grain's key is made from its file's id and its index.</summary>
public static class SegmentKeys
{
    public static string Of(string fileId, int index) => $"{fileId}/{index}";
}
