using System.Text;
using Alerts.Grains.Hosting;
using Alerts.Grains.Interfaces.Model;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using StackExchange.Redis;

namespace Alerts.Grains.Records;

/// <summary>
/// Records in Redis: one hash per file (<c>{serviceId}/records/{fileId}</c>), one field per alert. A group
/// costs one script call (conditional writes and the expiry, run in Redis) or HMGET per file in it, whatever the number of users; the hash's expiry is pushed a
/// retention period ahead at most once a minute per silo, so a file's records go a retention period after
/// its last write. The connection is awaited, never waited on: a synchronous connect in a grain's turn starves
/// a busy silo's thread pool for seconds. The connection is its own, not shared with Orleans' providers: a large state
/// write on a shared one would delay the records commands the silo's fence times. It closes with the silo's services.
/// </summary>
public sealed class RedisDeliveryRecords(Task<ConnectionMultiplexer> redis, IOptions<RecordOptions> options, IOptions<ClusterOptions> cluster, TimeProvider time)
    : DeliveryRecords(options.Value, time), IAsyncDisposable
{
    private static readonly TimeSpan ConnectingAtMost = TimeSpan.FromSeconds(5);

    private const int ScanPage = 1_000;
    private readonly string _prefix = $"{cluster.Value.ServiceId}/records/";
    private readonly TimeSpan _retention = options.Value.Retention;
    private readonly TimeSpan _refreshExpiryEvery = TimeSpan.FromTicks(Math.Min(TimeSpan.FromMinutes(1).Ticks, options.Value.Retention.Ticks / 10));
    private readonly Lock _lock = new();
    private readonly Dictionary<string, DateTimeOffset> _expiryPushedAt = [];

    public override async Task<bool> AnswersAsync(CancellationToken cancellationToken)
    {
        try
        {
            await (await DatabaseAsync().WaitAsync(cancellationToken)).PingAsync().WaitAsync(cancellationToken);
            return true;
        }
        catch (Exception error) when (error is RedisException or OperationCanceledException or TimeoutException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await (await redis.WaitAsync(ConnectingAtMost)).DisposeAsync();
        }
        catch (Exception error) when (error is TimeoutException or RedisException)
        {
            // never connected: nothing to close
        }
    }

    public override async Task ForgetFileAsync(string fileId) => await (await DatabaseAsync()).KeyDeleteAsync(Key(fileId));

    protected override async Task WriteAsync(string fileId, IReadOnlyDictionary<string, DeliveryRecord> records)
    {
        var db = await DatabaseAsync();
        var key = Key(fileId);
        var arguments = new RedisValue[1 + 2 * records.Count];
        arguments[0] = ExpiryDue(fileId) ? (long)_retention.TotalMilliseconds : 0;
        var i = 1;
        foreach (var (field, record) in records)
        {
            arguments[i++] = field;
            arguments[i++] = RecordCodec.Encode(record);
        }
        // Only where the stored record may be replaced: a stale activation never writes over a newer outcome.
        await db.ScriptEvaluateAsync(RecordCodec.ReplaceScript, [key], arguments);
    }

    protected override async Task<IReadOnlyList<string?>> ReadAsync(IReadOnlyList<RecordKey> keys)
    {
        var db = await DatabaseAsync();
        var values = new string?[keys.Count];
        var reads = keys.Select((key, i) => (key, i)).GroupBy(k => k.key.FileId).Select(async file =>
        {
            var found = await db.HashGetAsync(Key(file.Key), [.. file.Select(k => (RedisValue)k.key.Field)]);
            foreach (var ((_, i), value) in file.Zip(found)) values[i] = value.IsNull ? null : value.ToString();
        });
        await Task.WhenAll(reads);
        return values;
    }

    protected override async IAsyncEnumerable<(string Field, string Value)> ScanUserAsync(string fileId, string userId)
    {
        var pattern = $"{Glob(userId)}{RecordCodec.FieldSeparator}*";
        var db = await DatabaseAsync();
        await foreach (var entry in db.HashScanAsync(Key(fileId), pattern, ScanPage))
            yield return (entry.Name.ToString(), entry.Value.ToString());
    }

    private RedisKey Key(string fileId) => _prefix + fileId;

    private async Task<IDatabase> DatabaseAsync() => (await redis).GetDatabase();

    private bool ExpiryDue(string fileId)
    {
        var now = Time.GetUtcNow();
        lock (_lock)
        {
            if (_expiryPushedAt.TryGetValue(fileId, out var at) && now - at < _refreshExpiryEvery) return false;
            if (_expiryPushedAt.Count > 10_000) _expiryPushedAt.Clear(); // many files: forgetting costs one EXPIRE each
            _expiryPushedAt[fileId] = now;
            return true;
        }
    }

    /// <summary>A user id as a literal in a SCAN pattern.</summary>
    private static string Glob(string text)
    {
        var escaped = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c is '*' or '?' or '[' or ']' or '\\') escaped.Append('\\');
            escaped.Append(c);
        }
        return escaped.ToString();
    }
}
