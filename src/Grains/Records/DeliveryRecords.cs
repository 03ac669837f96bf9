using Alerts.Grains.Common;
using Alerts.Grains.Hosting;
using Alerts.Grains.Interfaces.Model;

namespace Alerts.Grains.Records;

/// <summary>Where one alert's record lives: its file, its user and its id.</summary>
public readonly record struct RecordKey(string FileId, string UserId, string AlertId)
{
    public string Field => RecordCodec.Field(UserId, AlertId);
}

/// <summary>
/// One durable record per alert, kept for the retention period whatever a user's count: a silo's users'
/// grains write and look up records through this one store, which groups them into one round trip per
/// file every <see cref="RecordOptions.CommitInterval"/> (group commit) instead of a write per user.
/// A file's records are kept together, so they expire together, a retention period after its last write.
/// </summary>
public abstract class DeliveryRecords
{
    private static readonly TimeSpan FirstWriteRetry = TimeSpan.FromMilliseconds(200), LongestWriteRetry = TimeSpan.FromSeconds(5);
    private readonly GroupCommit<DeliveryRecord, bool> _writes;
    private readonly GroupCommit<RecordKey, string?> _reads;

    protected DeliveryRecords(RecordOptions options, TimeProvider time)
    {
        Time = time;
        _writes = new(WriteGroupAsync, options.CommitInterval, time);
        _reads = new(ReadAsync, options.LookupInterval, time);
    }

    protected TimeProvider Time { get; }

    /// <summary>Stores a record; completes once it is durable (or throws, and the caller tries again).</summary>
    public Task WriteAsync(DeliveryRecord record) => _writes.AddAsync(record);

    /// <summary>Stores a record no one waits for (an attempt's in-flight mark): a commit that fails drops it.</summary>
    public void Journal(DeliveryRecord record) => _writes.Post(record);

    /// <summary>
    /// Stores a record, trying again with growing pauses until it is stored (a Redis restart must not drop outcomes)
    /// or <paramref name="giveUp"/> fires: false then. Each failure is told to <paramref name="failed"/>.
    /// </summary>
    public async Task<bool> WriteUntilStoredAsync(DeliveryRecord record, Action<Exception> failed, CancellationToken giveUp)
    {
        var pause = FirstWriteRetry;
        while (true)
        {
            try
            {
                await WriteAsync(record).ConfigureAwait(false); // callers are grains: their turns need not take each retry
                return true;
            }
            catch (Exception error)
            {
                failed(error);
            }
            try
            {
                await Task.Delay(pause, Time, giveUp).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return false;
            }
            pause = pause * 2 > LongestWriteRetry ? LongestWriteRetry : pause * 2;
        }
    }

    /// <summary>
    /// Whether a write or lookup has waited longer than <paramref name="limit"/> for the store: cut off from Redis, a
    /// silo must stop sending at once, since what it sends now could not be recorded and would be sent again elsewhere.
    /// </summary>
    public bool Hanging(TimeSpan limit) => _writes.RunningFor > limit || _reads.RunningFor > limit;

    /// <summary>The records kept for these alerts, in the same order; null where there is none.</summary>
    public async Task<DeliveryRecord?[]> FindAsync(IReadOnlyList<RecordKey> keys)
    {
        var values = await _reads.AddRangeAsync(keys).ConfigureAwait(false);
        var found = new DeliveryRecord?[keys.Count];
        for (var i = 0; i < found.Length; i++)
            if (values[i] is { } value) found[i] = RecordCodec.Decode(keys[i].FileId, keys[i].Field, value);
        return found;
    }

    /// <summary>A user's records in the given files, newest first, at most <paramref name="limit"/>.</summary>
    public async Task<IReadOnlyList<DeliveryRecord>> ListAsync(string userId, IEnumerable<string> fileIds, int limit)
    {
        var found = new List<DeliveryRecord>();
        foreach (var fileId in fileIds)
        {
            await foreach (var (field, value) in ScanUserAsync(fileId, userId))
                if (RecordCodec.Decode(fileId, field, value) is { } record) found.Add(record);
        }
        return [.. found.OrderByDescending(r => r.At).Take(limit)];
    }

    /// <summary>Forgets every record of a file (its retention is over).</summary>
    public abstract Task ForgetFileAsync(string fileId);

    /// <summary>Whether the store answers now (a silo's readiness): in memory it always does.</summary>
    public virtual Task<bool> AnswersAsync(CancellationToken cancellationToken) => Task.FromResult(true);

    /// <summary>Writes records of one file, by field (encode them with <see cref="RecordCodec.Encode"/>).</summary>
    protected abstract Task WriteAsync(string fileId, IReadOnlyDictionary<string, DeliveryRecord> records);

    /// <summary>Reads one group's values, in order; null where none is kept.</summary>
    protected abstract Task<IReadOnlyList<string?>> ReadAsync(IReadOnlyList<RecordKey> keys);

    /// <summary>The fields and values of one user's records in one file.</summary>
    protected abstract IAsyncEnumerable<(string Field, string Value)> ScanUserAsync(string fileId, string userId);

    // The last record of a field wins, as they were written: an attempt's in-flight mark is mostly replaced by its
    // outcome in the same group, and then never encoded.
    private async Task<IReadOnlyList<bool>> WriteGroupAsync(IReadOnlyList<DeliveryRecord> group)
    {
        var byFile = new Dictionary<string, Dictionary<string, DeliveryRecord>>();
        foreach (var record in group)
        {
            if (!byFile.TryGetValue(record.FileId, out var latest)) byFile.Add(record.FileId, latest = new(group.Count));
            latest[RecordCodec.Field(record.UserId, record.AlertId)] = record;
        }
        await Task.WhenAll(byFile.Select(file => WriteAsync(file.Key, file.Value)));
        AlertsMetrics.RecordCommits.Add(1);
        return new bool[group.Count];
    }
}
