using System.Globalization;
using System.Text;
using System.Threading.Channels;
using Alerts.Notifier.Hosting;
using Alerts.Notifier.Receiving;
using CsvHelper;
using Microsoft.Extensions.Options;

namespace Alerts.Notifier.Storage;

/// <summary>
/// The one writer of the output CSV. Requests queue their rows; the writer takes everything queued,
/// appends it, fsyncs once and then answers the whole group (group commit), so a 200 means the row is
/// on disk without every request paying for its own fsync. It also owns idempotency: being the only
/// writer, it can decide "seen this key" without locks, and a repeat is answered only once the first
/// copy is durable.
/// </summary>
public sealed class RowWriter(IOptions<NotifierOptions> options, NotifierStats stats, ILogger<RowWriter> log) : BackgroundService
{
    private const int MaxGroup = 4096;
    private readonly Channel<PendingRow> _queue = Channel.CreateUnbounded<PendingRow>(new() { SingleReader = true });
    private readonly OutputFiles _files = new(options.Value.OutputDir);

    /// <summary>Queues a row; completes with true once it is on disk, false if its key was written before.</summary>
    public Task<bool> AppendAsync(string userId, string alertMessage, string? idempotencyKey)
    {
        var row = new PendingRow(userId, alertMessage, string.IsNullOrEmpty(idempotencyKey) ? null : idempotencyKey);
        if (!_queue.Writer.TryWrite(row)) throw new InvalidOperationException("the notifier is shutting down");
        return row.Done.Task;
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete(); // drain what was accepted, then stop
        await base.StopAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        var seenKeys = _files.LoadKeys();
        using var rows = _files.OpenRows();
        using var keys = _files.OpenKeys();
        using var csv = new CsvWriter(new StreamWriter(rows, new UTF8Encoding(false), leaveOpen: true), CultureInfo.InvariantCulture);
        using var keyLog = new StreamWriter(keys, new UTF8Encoding(false), leaveOpen: true);
        log.LogInformation("Appending rows to {Path} ({Keys} idempotency keys known)", _files.RowsPath, seenKeys.Count);

        var group = new List<PendingRow>(MaxGroup);
        while (await _queue.Reader.WaitToReadAsync(CancellationToken.None))
        {
            while (group.Count < MaxGroup && _queue.Reader.TryRead(out var row)) group.Add(row);
            Commit(group, seenKeys, csv, rows, keyLog, keys);
            group.Clear();
        }
    }

    private void Commit(List<PendingRow> group, HashSet<string> seenKeys, CsvWriter csv, FileStream rows, StreamWriter keyLog, FileStream keys)
    {
        var newKeys = new HashSet<string>();
        var written = 0;
        try
        {
            foreach (var row in group)
            {
                row.IsDuplicate = row.Key is not null && (seenKeys.Contains(row.Key) || !newKeys.Add(row.Key));
                if (row.IsDuplicate) continue;
                csv.WriteField(row.UserId);
                csv.WriteField(row.AlertMessage);
                csv.NextRecord();
                if (row.Key is not null) keyLog.WriteLine(row.Key);
                written++;
            }
            // Rows reach the disk before their keys: a crash between the two can duplicate a row, never lose one.
            csv.Flush();
            rows.Flush(flushToDisk: true);
            keyLog.Flush();
            keys.Flush(flushToDisk: true);
        }
        catch (Exception error)
        {
            log.LogError(error, "Writing {Count} rows failed", group.Count);
            foreach (var row in group) row.Done.TrySetException(error);
            return;
        }
        seenKeys.UnionWith(newKeys);
        stats.Written(written);
        foreach (var row in group) row.Done.TrySetResult(!row.IsDuplicate);
    }

    private sealed record PendingRow(string UserId, string AlertMessage, string? Key)
    {
        public TaskCompletionSource<bool> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public bool IsDuplicate { get; set; }
    }
}
