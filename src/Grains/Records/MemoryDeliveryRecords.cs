using Alerts.Grains.Hosting;
using Alerts.Grains.Interfaces.Model;
using Microsoft.Extensions.Options;

namespace Alerts.Grains.Records;

/// <summary>Records in this process's memory, for a development silo without Redis and for TestCluster: nothing survives the process.</summary>
public sealed class MemoryDeliveryRecords(IOptions<RecordOptions> options, TimeProvider time) : DeliveryRecords(options.Value, time)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, (Dictionary<string, string> Fields, DateTimeOffset ExpiresAt)> _files = [];
    private readonly TimeSpan _retention = options.Value.Retention;

    public override Task ForgetFileAsync(string fileId)
    {
        lock (_lock) _files.Remove(fileId);
        return Task.CompletedTask;
    }

    protected override Task WriteAsync(string fileId, IReadOnlyDictionary<string, DeliveryRecord> records)
    {
        lock (_lock)
        {
            var fields = Live(fileId)?.Fields ?? [];
            foreach (var (field, record) in records)
            {
                var value = RecordCodec.Encode(record);
                if (RecordCodec.MayReplace(fields.GetValueOrDefault(field), value)) fields[field] = value;
            }
            _files[fileId] = (fields, Time.GetUtcNow() + _retention);
        }
        return Task.CompletedTask;
    }

    protected override Task<IReadOnlyList<string?>> ReadAsync(IReadOnlyList<RecordKey> keys)
    {
        lock (_lock)
            return Task.FromResult<IReadOnlyList<string?>>([.. keys.Select(k => Live(k.FileId)?.Fields.GetValueOrDefault(k.Field))]);
    }

    protected override async IAsyncEnumerable<(string Field, string Value)> ScanUserAsync(string fileId, string userId)
    {
        await Task.Yield();
        var prefix = RecordCodec.Field(userId, "");
        List<KeyValuePair<string, string>> found;
        lock (_lock) found = [.. Live(fileId)?.Fields.Where(f => f.Key.StartsWith(prefix, StringComparison.Ordinal)) ?? []];
        foreach (var (field, value) in found) yield return (field, value);
    }

    private (Dictionary<string, string> Fields, DateTimeOffset ExpiresAt)? Live(string fileId)
    {
        if (!_files.TryGetValue(fileId, out var file)) return null;
        if (file.ExpiresAt > Time.GetUtcNow()) return file;
        _files.Remove(fileId);
        return null;
    }
}
