using Alerts.Grains.Common;
using Alerts.Grains.Files.Reading;
using Alerts.Grains.Files.Segments;
using Alerts.Grains.Hosting;
using Alerts.Grains.Inbox;
using Alerts.Grains.Interfaces;
using Alerts.Grains.Interfaces.Model;
using Alerts.Grains.Records;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Storage;

namespace Alerts.Grains.Files;

/// <summary>
/// Owns one file: cuts it into segments at record boundaries as it goes, keeps up to
/// <see cref="FileProcessingOptions.ParallelSegments"/> of them reading at once (segment grains spread over every
/// silo), polls them every second, sums their counts into the file's status and completes the file when every
/// segment has settled. Reentrant: a summary or a segment's word lands while segments are polled.
/// </summary>
[Reentrant]
public sealed partial class FileGrain(
    [PersistentState("file", StorageNames.Alerts)] IPersistentState<FileState> file,
    IOptions<FileProcessingOptions> processing,
    IOptions<AlertsOptions> folders,
    IOptions<RecordOptions> retention,
    DeliveryRecords records,
    TimeProvider time,
    ILogger<FileGrain> log) : Grain, IFileGrain, IRemindable
{
    private const string ResumeReminder = "resume";
    private const string ExpireReminder = "expire";
    private static readonly TimeSpan HeartbeatPeriod = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(3); // a segment answers in milliseconds when its silo does
    private static readonly TimeSpan ResumePeriod = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan MinimumReminderPeriod = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan CheckpointEvery = TimeSpan.FromSeconds(1);
    private readonly FileProcessingOptions _options = processing.Value;
    private readonly RecentRate _recent = new(); // the rate and ETA shown: the last seconds, not the whole history
    private StateWriter? _writer;
    private BatchWorkerFromDelegate? _advancer;
    private IGrainTimer? _heartbeat;
    private Task _completion = Task.CompletedTask;
    private bool _stale;

    private FileState State => file.State;
    private string FileId => this.GetPrimaryKeyString();
    private bool IsKnown => file.RecordExists || State.Path.Length > 0;
    // Counts are checkpointed at most once a second: the segments hold the truth, and the next poll brings it back.
    private StateWriter Writer => _writer ??= new(() => _stale ? Task.CompletedTask : file.WriteStateAsync(), time, CheckpointEvery);

    // Whatever step of starting or running a crash hit, an active file resumes: each activation ensures its reminder.
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (IsKnown) await FinishMoveAsync(); // saved on its way to the archive or the failed folder, then a crash
        if (IsKnown && State.IsActive) await StartResumingAsync();
        else if (IsKnown) await ExpireIfDueAsync(); // its reminder may have been missed
        if (IsKnown && State.IsActive && State.IsHeld(time.GetUtcNow())) await Control.HoldFileAsync(FileId); // a crash may have come between the save and the hold
    }

    private IDeliveryControlGrain Control => GrainFactory.GetGrain<IDeliveryControlGrain>(0);

    public async Task<FileSummary?> PauseAsync()
    {
        if (!IsKnown) return null;
        if (State.IsActive && State.PausedAt is null)
        {
            State.PausedAt = time.GetUtcNow();
            await Writer.SaveAsync(); // saved first: an activation after a crash makes the hold
            await Control.HoldFileAsync(FileId);
            LogPaused(FileId);
        }
        return Summary();
    }

    public async Task<FileSummary?> ResumeAsync()
    {
        if (!IsKnown) return null;
        if (State.PausedAt is not null)
        {
            State.PausedAt = null;
            await MatchHoldAsync(); // released first: a file shown running is never held
            await Writer.SaveAsync();
            LogResumed(FileId);
        }
        return Summary();
    }

    // Held while paused or waiting for its time, released otherwise.
    private Task MatchHoldAsync() => State.IsHeld(time.GetUtcNow()) ? Control.HoldFileAsync(FileId) : Control.ReleaseFileAsync(FileId);

    /// <remarks>
    /// The hold comes first, so that nothing more is sent while the rest is done; then the segments stop. What they
    /// dispatched and the users' grains still hold is dropped there on the hold's word; what is under way finishes.
    /// </remarks>
    public async Task<FileSummary?> CancelAsync()
    {
        if (!IsKnown) return null;
        if (!State.IsActive) return Summary();
        await Control.CancelFileAsync(FileId);
        State.Status = FileStatus.Cancelled;
        State.CompletedAt = time.GetUtcNow();
        (State.PausedAt, State.NotBefore) = (null, null); // the cancel's hold took their place
        PlanMove(folders.Value.Archive);
        LogCancelled(FileId, State.Counts.Delivered);
        await Writer.SaveAsync();
        await FinishMoveAsync();
        await StopResumingAsync();
        await ScheduleExpiryAsync();
        await StopSegmentsAsync("the file was cancelled");
        return Summary();
    }

    /// <summary>Nothing of the file is sent before <paramref name="notBefore"/> (null or past: from now).</summary>
    public async Task<FileSummary?> ScheduleAsync(DateTimeOffset? notBefore)
    {
        if (!IsKnown) return null;
        if (!State.IsActive) return Summary();
        var now = time.GetUtcNow();
        State.NotBefore = notBefore > now ? notBefore : null;
        await Writer.SaveAsync(); // saved first: an activation after a crash makes the hold
        await MatchHoldAsync();
        await StartResumingAsync(); // its reminder comes at the time, also after every silo restarted
        _heartbeat?.Change(UntilTime(), HeartbeatPeriod);
        LogScheduled(FileId, State.NotBefore);
        return Summary();
    }

    public async Task<FileSummary?> SetPriorityAsync(FilePriority priority)
    {
        if (!IsKnown) return null;
        if (State.IsActive && State.Priority != priority)
        {
            State.Priority = priority;
            await Writer.SaveAsync();
            await Control.SetUrgentAsync(FileId, priority == FilePriority.High);
        }
        return Summary();
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (IsKnown) await Writer.SaveAsync();
    }

    /// <remarks>
    /// Each step can be repeated, and the order leaves nothing stranded: the registry entry and the reminder
    /// come before the state, so a crash leaves at worst a listed id with no file (shown as nothing) or a
    /// reminder for a file never saved (which removes itself), never a file saved active that nothing resumes.
    /// </remarks>
    public async Task<FileSummary> StartAsync(FileSource source)
    {
        if (!InboxPaths.MayRead(source.Path, folders.Value.Inbox, folders.Value.Root))
            throw new ArgumentException($"{source.Name}: only regular files in the inbox are read, and no link out of the data root", nameof(source));
        if (IsKnown) // same content again: one grain, processed once; its activation already resumed it
        {
            await RegisterAsync();
            return Summary();
        }
        try
        {
            State.Path = source.Path;
            State.Name = source.Name;
            State.Size = source.Size;
            State.TakenModified = source.Modified;
            State.TraceParent = System.Diagnostics.Activity.Current?.Id;
            State.AlertMessage = source.AlertMessage;
            State.Format = FileFormats.Of(source.Name);
            State.MaxRowBytes = _options.MaxRowBytes;
            State.SegmentRows = _options.SegmentRows;
            State.DiscoveredAt = time.GetUtcNow();
            State.Status = FileStatus.Reading;
            State.NotBefore = source.NotBefore > State.DiscoveredAt ? source.NotBefore : null;
            State.Priority = source.Priority;
            LogDiscovered(FileId, source.Name, source.Size);
            if (Unreadable(source.Path) is { } reason) Fail(reason);
            await RegisterAsync();
            if (State.IsActive) await this.RegisterOrUpdateReminder(ResumeReminder, ResumeDue(), ResumePeriod);
            else await ScheduleExpiryAsync();
            await Writer.SaveAsync();
            if (State.IsActive && State.NotBefore is not null) await Control.HoldFileAsync(FileId);
            if (State.IsActive && State.Priority == FilePriority.High) await Control.SetUrgentAsync(FileId, true);
        }
        catch
        {
            // Nothing unsaved may linger: a retry must find this file unknown and start it again, not a ghost that never runs.
            file.State = new FileState();
            this.DeactivateOnIdle();
            throw;
        }
        await FinishMoveAsync(); // an unreadable file goes to the failed folder
        if (State.IsActive) StartHeartbeat();
        return Summary();
    }

    private Task RegisterAsync() => GrainFactory.GetGrain<IFileRegistryGrain>(0).RegisterAsync(new FileEntry(FileId, State.Name, State.DiscoveredAt));

    public Task<FileSummary?> GetSummaryAsync() => Task.FromResult(IsKnown ? Summary() : null);

    public Task SegmentChangedAsync()
    {
        if (IsKnown && State.IsActive && !_stale) (_advancer ??= new(AdvanceGuardedAsync)).Notify();
        return Task.CompletedTask;
    }

    /// <remarks>
    /// Only a completed file is retried: while alerts of the round before are still out, one that dies after the
    /// retry would be counted in both rounds. A file whose copy is gone (swept, or removed) has nothing to re-read.
    /// </remarks>
    public async Task<int> RetryDeadLettersAsync()
    {
        // A retry asked as the status turns Completed waits for the rest of completing (the archive move, the stopped
        // reminder); WhenAny because a completion that failed is the heartbeat's to redo, not the caller's error.
        await Task.WhenAny(_completion);
        if (!IsKnown || State.Status != FileStatus.Completed || !File.Exists(State.Path)) return 0;
        var requeued = State.Counts.DeadLettered;
        if (requeued == 0) return 0;
        State.RetryRound++;
        State.DeadLetters.Clear();
        State.Status = FileStatus.Delivering;
        State.CompletedAt = null;
        LogRetrying(FileId, requeued, State.RetryRound);
        await Writer.SaveAsync();
        if (State.Priority == FilePriority.High) await Control.SetUrgentAsync(FileId, true);
        await StartResumingAsync(); // the heartbeat's first tick starts the segments' passes that find them
        return (int)Math.Min(requeued, int.MaxValue);
    }

    public async Task<ReportSource?> GetReportSourceAsync()
    {
        if (!IsKnown) return null;
        // The ranges are taken before the segments are asked for their pending lines: a row read after that answer
        // must not be in a range, where it would be neither pending nor recorded (the file is reentrant).
        var segments = State.Status == FileStatus.Failed ? [] : State.Segments.Select((entry, index) => (entry, index)).ToList();
        var cancelled = State.Status == FileStatus.Cancelled;
        var read = cancelled ? WholeFile() : segments.Where(s => s.entry.Progress.NextOffset > s.entry.Start)
            .Select(s => (s.index, s.entry.Progress.IsDone, range: new ReadRange(s.entry.Start, s.entry.Progress.NextOffset, s.entry.LinesBefore))).ToList();
        var pending = await Task.WhenAll(read.Select(r => r.IsDone ? Task.FromResult<IReadOnlyList<long>>([]) : Segment(r.index).GetPendingLinesAsync()));
        return new ReportSource
        {
            Path = State.Path,
            Format = State.Format,
            AlertMessage = State.AlertMessage,
            MaxRowBytes = State.MaxRowBytes,
            Active = State.IsActive,
            Read = [.. read.Select(r => r.range)],
            PendingLines = [.. pending.SelectMany(lines => lines)],
            DeadLetters = [.. State.DeadLetters],
            Cancelled = cancelled,
        };
    }

    // A cancelled file's report has every row, read or not: what was never read was never sent either.
    private List<(int index, bool IsDone, ReadRange range)> WholeFile()
    {
        var ranges = State.Segments.Select(s => new ReadRange(s.Start, s.End, s.LinesBefore)).ToList();
        var (tail, lines) = State.NextSegmentStart;
        if (tail < State.Size) ranges.Add(new ReadRange(tail, State.Size, lines));
        return [.. ranges.Where(r => r.End > r.Start).Select(r => (-1, true, r))];
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName == ExpireReminder) await ExpireIfDueAsync();
        // The reminder exists to cause an activation after a crash, which restarts the heartbeat.
        else if (!IsKnown || !State.IsActive) await StopResumingAsync();
        else StartHeartbeat();
    }

    /// <summary>A finished file is kept for the retention period, then wakes to forget itself.</summary>
    private Task ScheduleExpiryAsync()
    {
        var period = retention.Value.Retention < MinimumReminderPeriod ? MinimumReminderPeriod : retention.Value.Retention;
        return this.RegisterOrUpdateReminder(ExpireReminder, retention.Value.Retention, period);
    }

    /// <summary>
    /// Forgets a file finished more than the retention period ago: its segments, its alerts' records, its place in
    /// the list and its state (its archived copy is the archive sweeper's). The same content dropped afterwards is a new file.
    /// </summary>
    private async Task ExpireIfDueAsync()
    {
        if (IsKnown && (State.IsActive || State.CompletedAt + retention.Value.Retention > time.GetUtcNow())) return;
        if (IsKnown)
        {
            await Task.WhenAll(State.Segments.Select((_, i) => Segment(i).ForgetAsync()));
            if (State.Status == FileStatus.Cancelled) await Control.ForgetFileAsync(FileId);
            await records.ForgetFileAsync(FileId);
            await GrainFactory.GetGrain<IFileRegistryGrain>(0).ForgetAsync(FileId);
            await file.ClearStateAsync();
            LogExpired(FileId);
        }
        if (await this.GetReminder(ExpireReminder) is { } reminder) await this.UnregisterReminder(reminder);
        this.DeactivateOnIdle();
    }

    private FileSummary Summary()
    {
        var now = time.GetUtcNow();
        return FileSummaries.From(FileId, State, now, _recent.PerSecond(now));
    }

    private ISegmentGrain Segment(int index) => GrainFactory.GetGrain<ISegmentGrain>(SegmentKeys.Of(FileId, index));

    private SegmentPlan PlanOf(int index) => new()
    {
        FileId = FileId,
        Index = index,
        Path = State.Path,
        Format = State.Format,
        AlertMessage = State.AlertMessage,
        Start = State.Segments[index].Start,
        End = State.Segments[index].End,
        LinesBefore = State.Segments[index].LinesBefore,
        MaxRowBytes = State.MaxRowBytes,
        TraceParent = State.TraceParent,
    };

    /// <summary>The reminder brings the file back after a crash; the heartbeat advances it while it is active.</summary>
    private async Task StartResumingAsync()
    {
        await this.RegisterOrUpdateReminder(ResumeReminder, ResumeDue(), ResumePeriod);
        StartHeartbeat();
    }

    // A scheduled file's reminder comes at its time: a cluster restarted meanwhile starts it then, not a period later.
    private TimeSpan ResumeDue() => UntilTime() is { } wait && wait > TimeSpan.Zero ? wait : ResumePeriod;

    // A scheduled file's first beat comes at its time, not up to a period after it.
    private void StartHeartbeat() => _heartbeat ??= this.RegisterGrainTimer(
        _ => AdvanceAsync(), new GrainTimerCreationOptions(UntilTime(), HeartbeatPeriod) { Interleave = true, KeepAlive = true });

    private TimeSpan UntilTime() => State.NotBefore - time.GetUtcNow() is { } wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero;

    /// <summary>
    /// Polls the segments, plans and starts more while fewer than allowed are reading, and completes the file when all
    /// settled. One pass at a time; asked again meanwhile, it makes one more.
    /// </summary>
    private Task AdvanceAsync() => _stale ? Task.CompletedTask : (_advancer ??= new(AdvanceGuardedAsync)).NotifyAndWaitForWorkToBeServiced();

    private async Task AdvanceGuardedAsync()
    {
        if (_stale) return;
        try
        {
            await AdvanceOnceAsync();
        }
        catch (InconsistentStateException error)
        {
            // Another activation wrote the state (two, briefly, while a silo left): this one stops and goes.
            _stale = true;
            _heartbeat?.Dispose();
            _heartbeat = null;
            LogStale(error, FileId);
            this.DeactivateOnIdle();
        }
        catch (Exception error)
        {
            LogAdvanceFailed(error, FileId); // the heartbeat tries again
        }
    }

    private async Task AdvanceOnceAsync()
    {
        if (!State.IsActive || !await TimeHasComeAsync()) return;
        await PollAsync();
        if (State.Segments.FirstOrDefault(s => s.Progress.Status == SegmentStatus.Failed) is { } failed)
        {
            await FailAsync(failed.Progress.Error ?? "a segment failed");
            return;
        }
        await PlanMoreAsync();
        if (State.Status == FileStatus.Reading && State.Planned && State.Segments.All(s => s.Progress.Status != SegmentStatus.Reading))
            State.Status = FileStatus.Delivering;
        if (State.Status == FileStatus.Delivering && State.Planned && State.Segments.All(s => s.Progress.Status == SegmentStatus.Completed && !State.Lags(s)))
            await CompleteAsync();
        else await Writer.CheckpointAsync();
    }

    /// <summary>Whether the file's scheduled time has come (or it has none); when it comes, its hold goes.</summary>
    private async Task<bool> TimeHasComeAsync()
    {
        if (State.NotBefore is not { } notBefore) return true;
        if (notBefore > time.GetUtcNow()) return false;
        State.NotBefore = null;
        await MatchHoldAsync();
        await Writer.SaveAsync();
        LogTimeCame(FileId);
        return true;
    }

    /// <summary>
    /// Asks every unsettled segment where it stands (which also starts it again after a crash) and starts retries it
    /// lags in. A segment that cannot answer (its silo just died), or not within <see cref="AskTimeout"/> (its silo
    /// frozen or cut off, which a call learns only at its response timeout), is asked again next time; the others go on.
    /// </summary>
    private async Task PollAsync()
    {
        var asked = State.Segments.Select((entry, index) => (entry, index))
            .Where(s => !s.entry.Progress.IsDone || State.Lags(s.entry))
            .Select(s => AskAsync(s.index, State.Lags(s.entry)));
        foreach (var (index, progress) in await Task.WhenAll(asked))
            if (progress is not null) State.Apply(index, progress, _options.InvalidRowSample);
        _recent.Add(time.GetUtcNow(), State.Counts.Settled);
    }

    private async Task<(int Index, SegmentProgress? Progress)> AskAsync(int index, bool retry)
    {
        try
        {
            var asked = retry ? Segment(index).RetryDeadLettersAsync(State.Path, State.RetryRound) : Segment(index).StartAsync(PlanOf(index));
            return (index, await asked.WaitAsync(AskTimeout));
        }
        catch (Exception error)
        {
            LogPollFailed(error, FileId, index);
            return (index, null);
        }
    }

    /// <summary>Cuts and starts the next segments while <see cref="FileState.MayStartSegment"/> allows.</summary>
    private async Task PlanMoreAsync()
    {
        while (State.MayStartSegment(_options.ParallelSegments))
        {
            var (start, lines) = State.NextSegmentStart;
            var source = new RowSource(State.Format, State.Path, State.Size, State.MaxRowBytes, State.AlertMessage);
            SegmentEnd end;
            try
            {
                end = SegmentPlanner.Next(source, start, lines, State.SegmentRows);
            }
            catch (Exception error) when (error is FileNotFoundException or DirectoryNotFoundException)
            {
                await FailAsync($"file disappeared: {error.Message}");
                return;
            }
            var index = State.Segments.Count;
            State.Segments.Add(new SegmentEntry(start, end.Offset, lines, end.Lines, new SegmentProgress { Status = SegmentStatus.Reading, NextOffset = start }));
            // Planning is deterministic: if this start is lost with an unsaved plan, the same segment is planned again.
            // A start that does not answer in time (the silo it landed on froze) is made again by the next poll.
            if ((await AskAsync(index, retry: false)).Progress is { } progress) State.Apply(index, progress, _options.InvalidRowSample);
        }
    }

    private static string? Unreadable(string path)
    {
        try
        {
            return AlertReaders.RejectUnreadable(path);
        }
        catch (UnauthorizedAccessException)
        {
            return "cannot read the file: permission denied";
        }
        catch (FileNotFoundException)
        {
            return "cannot read the file: not found (a link to nothing?)";
        }
        catch (IOException error)
        {
            return $"cannot read the file: {error.GetType().Name}";
        }
    }

    private Task CompleteAsync() => _completion = CompleteNowAsync();

    private async Task CompleteNowAsync()
    {
        // Looked at before the status changes: a reader must never see the file completed without its warning.
        if (State.RetryRound == 0 && await TakenContent.ChangeAsync(State.Path, State.Size, State.TakenModified, FileId) is { } change)
        {
            State.Warning = change;
            LogChanged(FileId, change);
        }
        State.Status = FileStatus.Completed;
        State.CompletedAt = time.GetUtcNow();
        PlanMove(folders.Value.Archive);
        var counts = State.Counts;
        LogCompleted(FileId, counts.Delivered, counts.DeadLettered, counts.Invalid);
        if (counts.Pending < 0) LogOvercounted(FileId, -counts.Pending, string.Join(", ", State.Segments.Select((s, i) => $"{i}: {s.Progress.Counts}")));
        if (State.DeadLetters is [var first, ..])
            LogDeadLetters(FileId, counts.DeadLettered, first.Line, first.HttpStatus, first.Error);
        await Writer.SaveAsync();
        await FinishMoveAsync();
        await StopResumingAsync();
        await ScheduleExpiryAsync();
    }

    private async Task FailAsync(string reason)
    {
        Fail(reason);
        await Writer.SaveAsync();
        await FinishMoveAsync();
        await StopResumingAsync();
        await ScheduleExpiryAsync();
        await StopSegmentsAsync(reason);
    }

    // Segments still reading stop; one that misses this finds on its next heartbeat that the file left the path it reads, and stops too.
    private Task StopSegmentsAsync(string reason) =>
        Task.WhenAll(State.Segments.Select((s, i) => s.Progress.IsDone ? Task.CompletedTask : StopSegmentAsync(i, reason)));

    private async Task StopSegmentAsync(int index, string reason)
    {
        try
        {
            await Segment(index).StopAsync(reason);
        }
        catch (Exception error)
        {
            LogStopFailed(error, FileId, index);
        }
    }

    private void Fail(string reason)
    {
        State.Status = FileStatus.Failed;
        State.Error = reason;
        State.CompletedAt = time.GetUtcNow();
        PlanMove(folders.Value.Failed);
        LogFailed(FileId, reason);
    }

    // Where the file goes is saved before it goes: a crash between the two leaves a saved path the next activation
    // moves the file to, never a saved path to where the file no longer is (a retry of its dead letters would find nothing).
    private void PlanMove(string folder)
    {
        try
        {
            var target = FileMover.TargetIn(State.Path, folder, FileId, time.GetUtcNow());
            if (target != State.Path) (State.MovingFrom, State.Path) = (State.Path, target);
        }
        catch (IOException error)
        {
            LogMoveFailed(error, FileId, folder);
        }
    }

    /// <summary>Makes the move the saved state says was under way; one that fails leaves the file, and its saved path, where it was.</summary>
    private async Task FinishMoveAsync()
    {
        if (State.MovingFrom is not { } from) return;
        try
        {
            FileMover.Move(from, State.Path, FileId, time.GetUtcNow());
        }
        catch (IOException error)
        {
            LogMoveFailed(error, FileId, Path.GetDirectoryName(State.Path)!);
            State.Path = from;
        }
        State.MovingFrom = null;
        await Writer.SaveAsync();
    }

    private async Task StopResumingAsync()
    {
        _heartbeat?.Dispose();
        _heartbeat = null;
        if (State.PausedAt is not null || State.NotBefore is not null)
        {
            (State.PausedAt, State.NotBefore) = (null, null); // done while held (every alert had settled): nothing is held for it any more
            if (State.Status != FileStatus.Cancelled) await Control.ReleaseFileAsync(FileId);
        }
        if (State.Priority == FilePriority.High && State.Status != FileStatus.Cancelled) await Control.SetUrgentAsync(FileId, false);
        if (await this.GetReminder(ResumeReminder) is { } reminder) await this.UnregisterReminder(reminder);
    }

    [LoggerMessage(LogLevel.Information, "File {FileId} discovered: {Name}, {Size} bytes")]
    private partial void LogDiscovered(string fileId, string name, long size);

    [LoggerMessage(LogLevel.Information, "File {FileId} completed: {Delivered} delivered, {DeadLettered} dead-lettered, {Invalid} invalid")]
    private partial void LogCompleted(string fileId, long delivered, long deadLettered, long invalid);
    [LoggerMessage(LogLevel.Error, "File {FileId} completed with {Excess} more rows settled than valid rows read; by segment: {Segments}")]
    private partial void LogOvercounted(string fileId, long excess, string segments);

    [LoggerMessage(LogLevel.Warning, "File {FileId} has {Count} dead letters; the first, line {Line}: HTTP {HttpStatus}, {Error}. Fix the receiver, then retry them (POST /files/{FileId}/retry)")]
    private partial void LogDeadLetters(string fileId, long count, long line, int? httpStatus, string? error);

    [LoggerMessage(LogLevel.Warning, "File {FileId} changed after it was taken: {Change}")]
    private partial void LogChanged(string fileId, string change);

    [LoggerMessage(LogLevel.Information, "File {FileId} expired: its state and records are removed")]
    private partial void LogExpired(string fileId);

    [LoggerMessage(LogLevel.Information, "File {FileId}: {Count} dead letters requeued (round {Round})")]
    private partial void LogRetrying(string fileId, long count, int round);

    [LoggerMessage(LogLevel.Warning, "File {FileId} paused by an operator: its alerts wait")]
    private partial void LogPaused(string fileId);

    [LoggerMessage(LogLevel.Warning, "File {FileId} cancelled by an operator after {Delivered} delivered: the rest is never sent")]
    private partial void LogCancelled(string fileId, long delivered);

    [LoggerMessage(LogLevel.Information, "File {FileId} scheduled: nothing is sent before {NotBefore}")]
    private partial void LogScheduled(string fileId, DateTimeOffset? notBefore);

    [LoggerMessage(LogLevel.Information, "File {FileId}: its scheduled time came; delivering")]
    private partial void LogTimeCame(string fileId);

    [LoggerMessage(LogLevel.Information, "File {FileId} resumed")]
    private partial void LogResumed(string fileId);

    [LoggerMessage(LogLevel.Warning, "File {FileId} failed: {Reason}")]
    private partial void LogFailed(string fileId, string reason);

    [LoggerMessage(LogLevel.Information, "File {FileId}: another activation wrote its state; this one steps aside")]
    private partial void LogStale(Exception error, string fileId);

    [LoggerMessage(LogLevel.Warning, "File {FileId}: polling or planning its segments failed; retrying")]
    private partial void LogAdvanceFailed(Exception error, string fileId);

    [LoggerMessage(LogLevel.Warning, "File {FileId}: segment {Index} did not answer; it is asked again in a second")]
    private partial void LogPollFailed(Exception error, string fileId, int index);

    [LoggerMessage(LogLevel.Warning, "File {FileId}: could not stop segment {Index}; it stops when it finds the file gone")]
    private partial void LogStopFailed(Exception error, string fileId, int index);

    [LoggerMessage(LogLevel.Warning, "File {FileId}: could not move it into {Folder}")]
    private partial void LogMoveFailed(Exception error, string fileId, string folder);
}
