using System.Threading.Channels;
using Alerts.Grains.Files;
using Alerts.Grains.Hosting;
using Alerts.Grains.Interfaces;
using Alerts.Grains.Interfaces.Model;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Alerts.Grains.Inbox;

/// <summary>
/// Scans the inbox and hands each complete file to its FileGrain. A file counts as complete once its
/// size and modification time have held still for the quiet period. Every silo runs one; the
/// content-hash grain key makes a file seen by several silos one file.
/// </summary>
public sealed partial class InboxWatcher(
    IGrainFactory grains,
    IOptions<AlertsOptions> folders,
    IOptions<FileProcessingOptions> processing,
    TimeProvider time,
    ILogger<InboxWatcher> log) : BackgroundService
{
    private readonly Dictionary<string, Observation> _seen = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        Directory.CreateDirectory(folders.Value.Inbox);
        LogWatching(folders.Value.Inbox);
        // File-system events only make the next scan come sooner; the periodic scan is what finds
        // everything, since events can be lost or overflow.
        var changed = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
        using var events = WatchForChanges(() => changed.Writer.TryWrite(true));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ScanAsync(stoppingToken);
            }
            catch (Exception error) when (error is IOException or UnauthorizedAccessException)
            {
                LogScanFailed(error);
            }
            await Task.WhenAny(Task.Delay(processing.Value.ScanInterval, time, stoppingToken), changed.Reader.WaitToReadAsync(stoppingToken).AsTask());
            changed.Reader.TryRead(out _);
        }
    }

    private FileSystemWatcher? WatchForChanges(Action signal)
    {
        try
        {
            var watcher = new FileSystemWatcher(folders.Value.Inbox)
            {
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.Size | NotifyFilters.LastWrite,
            };
            watcher.Created += (_, _) => signal();
            watcher.Changed += (_, _) => signal();
            watcher.Renamed += (_, _) => signal();
            watcher.Error += (_, _) => signal();
            watcher.EnableRaisingEvents = true;
            return watcher;
        }
        catch (Exception error) when (error is IOException or PlatformNotSupportedException or ArgumentException)
        {
            LogNoEvents(error); // e.g. out of inotify watches: scanning alone still works
            return null;
        }
    }

    private async Task ScanAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var present = new HashSet<string>();
        foreach (var info in new DirectoryInfo(folders.Value.Inbox).EnumerateFiles())
        {
            if (InboxNames.IsIgnored(info.Name)) continue;
            present.Add(info.FullName);
            if (!InboxPaths.MayRead(info.FullName, folders.Value.Inbox, folders.Value.Root))
            {
                if (_seen.TryAdd(info.FullName, new Observation(-1, default, now, Submitted: true))) LogNotTaken(info.Name);
                continue;
            }
            var current = new Observation(info.Length, info.LastWriteTimeUtc, now, Submitted: false);
            if (!_seen.TryGetValue(info.FullName, out var seen) || !seen.SameFile(current))
            {
                _seen[info.FullName] = current; // new or still changing: wait for it to hold still
                continue;
            }
            if (seen.Submitted || now - seen.StableSince < processing.Value.QuietPeriod) continue;
            if (await TrySubmitAsync(info, cancellationToken)) _seen[info.FullName] = seen with { Submitted = true };
        }
        foreach (var gone in _seen.Keys.Where(path => !present.Contains(path)).ToList()) _seen.Remove(gone);
    }

    private async Task<bool> TrySubmitAsync(FileInfo info, CancellationToken cancellationToken)
    {
        try
        {
            var fileId = await ContentHash.OfFileAsync(info.FullName, cancellationToken);
            var after = new FileInfo(info.FullName);
            if (after.Length != info.Length || after.LastWriteTimeUtc != info.LastWriteTimeUtc)
            {
                _seen.Remove(info.FullName); // written to while being hashed: not complete after all
                return false;
            }
            var source = new FileSource { Path = info.FullName, Name = info.Name, Size = info.Length };
            var summary = await grains.GetGrain<IFileGrain>(fileId).StartAsync(source);
            if (summary.Path != info.FullName && File.Exists(info.FullName)) SetAsideRepeat(info, fileId);
            return true;
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            LogSubmitFailed(error, info.FullName); // tried again on the next scan
            return false;
        }
    }

    // The same bytes were processed before (or are in progress under another name): not sent again.
    private void SetAsideRepeat(FileInfo info, string fileId)
    {
        var movedTo = FileMover.MoveInto(info.FullName, folders.Value.Archive, fileId);
        LogRepeat(info.Name, fileId, movedTo);
    }

    private sealed record Observation(long Size, DateTime Modified, DateTimeOffset StableSince, bool Submitted)
    {
        public bool SameFile(Observation other) => Size == other.Size && Modified == other.Modified;
    }

    [LoggerMessage(LogLevel.Warning, "{Name} is not a regular file inside the data root (a FIFO, a device, or a link leading out): not taken")]
    private partial void LogNotTaken(string name);

    [LoggerMessage(LogLevel.Information, "Watching {Inbox}")]
    private partial void LogWatching(string inbox);

    [LoggerMessage(LogLevel.Warning, "No file-system events for the inbox; relying on periodic scans")]
    private partial void LogNoEvents(Exception error);

    [LoggerMessage(LogLevel.Warning, "Scanning the inbox failed")]
    private partial void LogScanFailed(Exception error);

    [LoggerMessage(LogLevel.Warning, "Could not hand {Path} to its file grain; will retry")]
    private partial void LogSubmitFailed(Exception error, string path);

    [LoggerMessage(LogLevel.Information, "{Name} repeats file {FileId}, which is not sent again; moved to {MovedTo}")]
    private partial void LogRepeat(string name, string fileId, string movedTo);
}
