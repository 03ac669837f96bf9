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
/// size and modification time have held still for the quiet period. It is then hashed and moved into
/// <c>processing/{fileId}/</c> before its grain is told: whoever appends to the name afterwards makes a new
/// file of just the new rows, and two silos cannot both take it. Every silo runs one; the content-hash grain
/// key makes a file seen by several silos one file.
/// </summary>
public sealed partial class InboxWatcher(
    IGrainFactory grains,
    IOptions<AlertsOptions> folders,
    IOptions<FileProcessingOptions> processing,
    TimeProvider time,
    ILogger<InboxWatcher> log) : BackgroundService
{
    private readonly Dictionary<string, Observation> _seen = [];
    // File ids in the processing folder whose grains are known to have started them.
    private readonly HashSet<string> _started = [];

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
                await AdoptOrphansAsync();
            }
            catch (Exception error) when (error is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                LogScanFailed(error); // a folder that cannot be read, or a cluster that cannot answer now: the next scan tries again
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
            var content = ContentOf(info);
            var current = new Observation(content.Length, content.LastWriteTimeUtc, now, Submitted: false);
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
        string fileId;
        try
        {
            fileId = await ContentHash.OfFileAsync(info.FullName, cancellationToken);
        }
        catch (Exception error) when (error is UnauthorizedAccessException || error is FileNotFoundException && info.LinkTarget is not null)
        {
            fileId = ContentHash.OfUnreadable(info); // not ours to read, or a link to nothing: its grain reports it as failed, once
        }
        catch (IOException error)
        {
            LogSubmitFailed(error, info.FullName); // e.g. removed while hashed; tried again on the next scan
            return false;
        }
        var before = ContentOf(info);
        var after = new FileInfo(info.FullName);
        if (!after.Exists && after.LinkTarget is null) return true; // another silo took it
        after = ContentOf(after);
        if (after.Length != before.Length || after.LastWriteTimeUtc != before.LastWriteTimeUtc)
        {
            _seen.Remove(info.FullName); // written to while being hashed: not complete after all
            return false;
        }
        if (Take(info, fileId) is not { } taken) return true;
        await StartAsync(fileId, new FileSource { Path = taken, Name = info.Name, Size = before.Length, Modified = before.LastWriteTimeUtc });
        return true;
    }

    /// <summary>What holds the bytes: the file, or for a link its final target (a link's own size is its target's path).</summary>
    private static FileInfo ContentOf(FileInfo info) =>
        info.LinkTarget is not null && info.ResolveLinkTarget(returnFinalTarget: true) is FileInfo { Exists: true } target ? target : info;

    /// <summary>Moves the file into its own processing folder; null when another silo moved it first.</summary>
    private string? Take(FileInfo info, string fileId)
    {
        var folder = Path.Combine(folders.Value.Processing, fileId);
        Directory.CreateDirectory(folder);
        var taken = Path.Combine(folder, info.Name);
        try
        {
            if (info.LinkTarget is not null && info.ResolveLinkTarget(returnFinalTarget: true) is { } target)
            {
                // A link (inside the data root, or it was not taken) moved two folders down would resolve elsewhere if relative.
                File.CreateSymbolicLink(taken, target.FullName);
                File.Delete(info.FullName);
                return taken;
            }
            File.Move(info.FullName, taken); // a rename: the modification time stays, and appenders holding it open follow it
            return taken;
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (IOException) when (File.Exists(taken) && File.Exists(info.FullName))
        {
            // The same content under the same name is being delivered: this copy is a repeat.
            SetAsideRepeat(new FileSource { Path = info.FullName, Name = info.Name }, fileId);
            return null;
        }
    }

    /// <summary>Hands a taken file to its grain; a failure leaves it to <see cref="AdoptOrphansAsync"/>.</summary>
    private async Task StartAsync(string fileId, FileSource source)
    {
        try
        {
            var summary = await grains.GetGrain<IFileGrain>(fileId).StartAsync(source);
            // Known content elsewhere: a repeat. (A file the grain failed at once was moved by it, and is gone from here.)
            if (summary.Path != source.Path && File.Exists(source.Path)) SetAsideRepeat(source, fileId);
            _started.Add(fileId);
        }
        catch (Exception error)
        {
            LogSubmitFailed(error, source.Path);
        }
    }

    /// <summary>
    /// Starts taken files whose grains never heard of them (a silo crashed between taking and telling, or the start
    /// failed). Each silo asks once per folder it has not seen started; starting twice is harmless.
    /// </summary>
    private async Task AdoptOrphansAsync()
    {
        if (!Directory.Exists(folders.Value.Processing)) return;
        var present = new HashSet<string>();
        foreach (var folder in new DirectoryInfo(folders.Value.Processing).EnumerateDirectories())
        {
            var fileId = folder.Name;
            present.Add(fileId);
            // A folder this old whose grain does not know it was orphaned by a crash or a failed start.
            if (_started.Contains(fileId) || time.GetUtcNow() - folder.LastWriteTimeUtc < processing.Value.OrphanedAfter) continue;
            var file = folder.EnumerateFiles().FirstOrDefault();
            if (file is null)
            {
                TryDelete(folder);
                continue;
            }
            if (await grains.GetGrain<IFileGrain>(fileId).GetSummaryAsync() is { } known)
            {
                if (known.Path != file.FullName) SetAsideRepeat(new FileSource { Path = file.FullName, Name = file.Name }, fileId);
                _started.Add(fileId);
                continue;
            }
            LogAdopting(file.Name, fileId);
            var content = ContentOf(file);
            await StartAsync(fileId, new FileSource { Path = file.FullName, Name = file.Name, Size = content.Length, Modified = content.LastWriteTimeUtc });
        }
        _started.IntersectWith(present);
    }

    // The same bytes were processed before (or are in progress under another name): not sent again.
    private void SetAsideRepeat(FileSource source, string fileId)
    {
        var movedTo = FileMover.MoveInto(source.Path, folders.Value.Archive, fileId, time.GetUtcNow());
        LogRepeat(source.Name, fileId, movedTo);
    }

    private static void TryDelete(DirectoryInfo folder)
    {
        try
        {
            folder.Delete();
        }
        catch (IOException)
        {
            // not empty after all, or gone: the next scan looks again
        }
    }

    private sealed record Observation(long Size, DateTime Modified, DateTimeOffset StableSince, bool Submitted)
    {
        public bool SameFile(Observation other) => Size == other.Size && Modified == other.Modified;
    }

    [LoggerMessage(LogLevel.Warning, "{Name} is not a regular file inside the data root (a FIFO, a device, or a link leading out): not taken")]
    private partial void LogNotTaken(string name);

    [LoggerMessage(LogLevel.Warning, "{Name} was taken as file {FileId} but never started (a crash or a failed start): starting it now")]
    private partial void LogAdopting(string name, string fileId);

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
