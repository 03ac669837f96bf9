using Alerts.Grains.Common;
using Alerts.Grains.Files.Reading;
using Alerts.Grains.Hosting;
using Alerts.Grains.Inbox;
using Alerts.Grains.Interfaces;
using Alerts.Grains.Interfaces.Model;
using Alerts.Grains.Records;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace Alerts.Grains.Files;

/// <summary>
/// Reads one file in chunks and dispatches its alerts to the users' grains, keeping at most a window
/// of them unconfirmed. Reentrant: confirmations land while a chunk is being dispatched; every state
/// change happens between awaits, so turns never see each other half-done.
/// </summary>
[Reentrant]
public sealed partial class FileGrain(
    [PersistentState("file", StorageNames.Alerts)] IPersistentState<FileState> file,
    IOptions<FileProcessingOptions> processing,
    IOptions<AlertsOptions> folders,
    IOptions<RecordOptions> retention,
    DeliveryRecords records,
    ClusterChanges cluster,
    TimeProvider time,
    ILogger<FileGrain> log) : Grain, IFileGrain, IRemindable
{
    private const string ResumeReminder = "resume";
    private const string ExpireReminder = "expire";
    private const string DecidedEarlier = "dead-lettered earlier; the user's records hold the details";
    private static readonly TimeSpan HeartbeatPeriod = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan ResumePeriod = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan MinimumReminderPeriod = TimeSpan.FromMinutes(1);
    // Progress is written at most this often: losing it costs a re-dispatch that users' records answer, never a resend.
    private static readonly TimeSpan CheckpointEvery = TimeSpan.FromSeconds(1);
    private readonly FileProcessingOptions _options = processing.Value;
    // When each window line was last dispatched by this activation; a line missing here is due now.
    private readonly Dictionary<long, DateTimeOffset> _dispatchedAt = [];
    private CoalescingWriter? _writer;
    private IAlertReader? _reader;
    private IAlertReader? _retryReader;
    private IGrainTimer? _heartbeat;
    private bool _pumping;
    private int _crashesSeen = cluster.CrashedSilos;
    private DateTimeOffset _checkpointedAt;
    private bool _unsaved;
    private bool _completing;

    private FileState State => file.State;
    private string FileId => this.GetPrimaryKeyString();
    private bool IsKnown => file.RecordExists || State.Path.Length > 0;
    private RowSource Rows => new(State.Format, State.Path, State.Size, _options.MaxRowBytes, State.AlertMessage);
    private CoalescingWriter Writer => _writer ??= new(() => file.WriteStateAsync());

    // Whatever step of starting or running a crash hit, an active file resumes: each activation ensures its reminder.
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (IsKnown && State.IsActive) await ResumeAsync();
        else if (IsKnown) await ExpireIfDueAsync(); // its reminder may have been missed
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        CloseReader();
        CloseRetryReader();
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
            State.Format = AlertReaders.FormatOf(source.Name);
            State.DiscoveredAt = time.GetUtcNow();
            State.Status = FileStatus.Reading;
            LogDiscovered(FileId, source.Name, source.Size);
            if (Unreadable(source.Path) is { } reason) Fail(reason);
            await RegisterAsync();
            if (State.IsActive) await this.RegisterOrUpdateReminder(ResumeReminder, ResumePeriod, ResumePeriod);
            else await ScheduleExpiryAsync();
            await Writer.SaveAsync();
        }
        catch
        {
            // Nothing unsaved may linger: a retry must find this file unknown and start it again, not a ghost that never runs.
            file.State = new FileState();
            this.DeactivateOnIdle();
            throw;
        }
        if (State.IsActive) StartHeartbeat();
        return Summary();
    }

    private Task RegisterAsync() => GrainFactory.GetGrain<IFileRegistryGrain>(0).RegisterAsync(new FileEntry(FileId, State.Name, State.DiscoveredAt));

    public Task<FileSummary?> GetSummaryAsync() => Task.FromResult(IsKnown ? Summary() : null);

    public Task ConfirmAsync(IReadOnlyList<Confirmation> confirmations)
    {
        foreach (var c in confirmations)
        {
            if (c.HandedBack) _dispatchedAt.Remove(c.Line); // due again on the next heartbeat, to the user's next activation
            else Apply(c.Line, c.Delivered ? DispatchOutcome.Delivered : DispatchOutcome.DeadLettered, c.HttpStatus, c.Error);
        }
        _ = PumpAsync(); // the window has room again; the confirmer need not wait for the next chunk
        return CheckpointAsync();
    }

    /// <remarks>
    /// Only a completed file is retried: while alerts of the round before are still out, one that dies after the
    /// retry would be counted in both rounds. A file whose copy is gone (swept, or removed) has nothing to re-read.
    /// </remarks>
    public async Task<int> RetryDeadLettersAsync()
    {
        if (!IsKnown || State.Status != FileStatus.Completed || _completing || !File.Exists(State.Path)) return 0;
        var requeued = State.RequeueDeadLetters();
        if (requeued == 0) return 0;
        CloseRetryReader(); // a pass under way starts again, for the new round
        LogRetrying(FileId, requeued, State.RetryRound);
        await Writer.SaveAsync();
        await ResumeAsync(); // the heartbeat's first tick starts the pass that finds them
        return (int)Math.Min(requeued, int.MaxValue);
    }

    public Task<ReportSource?> GetReportSourceAsync() => Task.FromResult(IsKnown ? new ReportSource
    {
        Path = State.Path,
        Format = State.Format,
        AlertMessage = State.AlertMessage,
        MaxRowBytes = _options.MaxRowBytes,
        EndOffset = State.Status == FileStatus.Failed ? 0 : State.NextOffset,
        PendingLines = [.. State.Window.Keys],
        DeadLetters = [.. State.DeadLetterList()],
    } : null);

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
    /// Forgets a file finished more than the retention period ago: its alerts' records, its place in the list and its
    /// state (its archived copy is the archive sweeper's). The same content dropped afterwards is a new file.
    /// </summary>
    private async Task ExpireIfDueAsync()
    {
        if (IsKnown && (State.IsActive || State.CompletedAt + retention.Value.Retention > time.GetUtcNow())) return;
        if (IsKnown)
        {
            await records.ForgetFileAsync(FileId);
            await GrainFactory.GetGrain<IFileRegistryGrain>(0).ForgetAsync(FileId);
            await file.ClearStateAsync();
            LogExpired(FileId);
        }
        if (await this.GetReminder(ExpireReminder) is { } reminder) await this.UnregisterReminder(reminder);
        this.DeactivateOnIdle();
    }

    private FileSummary Summary() => FileSummaries.From(FileId, State, time.GetUtcNow());

    /// <summary>The reminder brings the file back after a crash; the heartbeat pumps it while it is active.</summary>
    private async Task ResumeAsync()
    {
        await this.RegisterOrUpdateReminder(ResumeReminder, ResumePeriod, ResumePeriod);
        StartHeartbeat();
    }

    private void StartHeartbeat() => _heartbeat ??= this.RegisterGrainTimer(
        HeartbeatAsync, new GrainTimerCreationOptions(TimeSpan.Zero, HeartbeatPeriod) { Interleave = true, KeepAlive = true });

    private async Task HeartbeatAsync(CancellationToken cancellationToken)
    {
        await RedispatchStaleAsync();
        await PumpAsync();
        if (_unsaved) await CheckpointAsync();
    }

    /// <summary>Writes progress unless it was written within <see cref="CheckpointEvery"/>; the heartbeat writes what waited.</summary>
    private Task CheckpointAsync()
    {
        var now = time.GetUtcNow();
        if (now - _checkpointedAt < CheckpointEvery)
        {
            _unsaved = true;
            return Task.CompletedTask;
        }
        _checkpointedAt = now;
        _unsaved = false;
        return Writer.SaveAsync();
    }

    /// <summary>Reads and dispatches chunks while the window has room, then completes the file when all is confirmed.</summary>
    private async Task PumpAsync()
    {
        if (_pumping || !State.IsActive) return;
        _pumping = true;
        try
        {
            while (State.Status == FileStatus.Reading && State.Window.Count < _options.Window)
            {
                var alerts = ReadChunk(Math.Min(_options.ChunkRows, _options.Window - State.Window.Count));
                await DispatchAsync(alerts);
                await CheckpointAsync();
            }
            while (State.RetryOffset is not null && State.Window.Count < _options.Window)
            {
                var alerts = await FindDeadLettersAsync(Math.Min(_options.ChunkRows, _options.Window - State.Window.Count));
                await DispatchAsync(alerts);
                await CheckpointAsync();
            }
            await CompleteIfDoneAsync();
        }
        catch (Exception error) when (error is FileNotFoundException or DirectoryNotFoundException)
        {
            await FailAsync($"file disappeared: {error.Message}");
        }
        catch (Exception error)
        {
            LogPumpFailed(error, FileId); // the heartbeat tries again
        }
        finally
        {
            _pumping = false;
        }
    }

    private List<Alert> ReadChunk(int maxAlerts)
    {
        var reader = _reader ??= AlertReaders.Open(Rows, State.NextOffset, State.LinesRead);
        var alerts = new List<Alert>(maxAlerts);
        var rowsBefore = State.Rows;
        while (alerts.Count < maxAlerts)
        {
            if (reader.Read() is not { } row)
            {
                State.Status = FileStatus.Delivering;
                CloseReader();
                break;
            }
            State.NextOffset = reader.Offset;
            State.LinesRead = reader.Lines;
            State.Rows++;
            if (!row.IsValid)
            {
                RecordInvalid(row);
                continue;
            }
            State.Valid++;
            State.Window[row.Line] = row.Offset;
            alerts.Add(ToAlert(row));
        }
        AlertsMetrics.RowsRead.Add(State.Rows - rowsBefore);
        return alerts;
    }

    /// <summary>
    /// The next rows of a retry pass whose records say they are dead from an earlier round, put back in the window;
    /// at most <paramref name="maxRows"/> rows are looked at, so the window stays bounded however many there are.
    /// </summary>
    private async Task<List<Alert>> FindDeadLettersAsync(int maxRows)
    {
        var reader = _retryReader ??= AlertReaders.Open(Rows with { EndOffset = State.NextOffset }, State.RetryOffset!.Value, State.RetryLines);
        var rows = new List<SourceRow>(maxRows);
        var ended = false;
        try
        {
            while (rows.Count < maxRows)
            {
                if (reader.Read() is not { } row)
                {
                    ended = true;
                    break;
                }
                if (row.IsValid && !State.Window.ContainsKey(row.Line)) rows.Add(row);
            }
        }
        catch
        {
            CloseRetryReader();
            throw;
        }
        var (offset, lines, round) = (reader.Offset, reader.Lines, State.RetryRound);
        var alerts = rows.Select(ToAlert).ToList();
        DeliveryRecord?[] found;
        try
        {
            found = await records.FindAsync([.. alerts.Select(a => new RecordKey(FileId, a.UserId, a.AlertId))]);
        }
        catch
        {
            CloseRetryReader(); // the pass reopens at its saved cursor and looks at these rows again
            throw;
        }
        if (State.RetryRound != round || State.RetryOffset is null) return []; // the pass was restarted or ended meanwhile
        // Dead from an earlier round; or already tried in this one, which only a pass resumed after a crash meets: this
        // activation lost them from its window before its checkpoint, and their outcome is counted when they come back.
        var dead = alerts.Where((alert, i) => found[i] is { } record && record.Line == alert.Line
            && (record.Round == State.RetryRound || record.Status == DeliveryStatus.DeadLettered && record.Round < State.RetryRound)).ToList();
        foreach (var (alert, row) in dead.Join(rows, a => a.Line, r => r.Line, (a, r) => (a, r))) State.Window[alert.Line] = row.Offset;
        (State.RetryOffset, State.RetryLines) = ended ? ((long?)null, 0L) : (offset, lines);
        if (ended) CloseRetryReader();
        return dead;
    }

    private void CloseRetryReader()
    {
        _retryReader?.Dispose();
        _retryReader = null;
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

    private void RecordInvalid(SourceRow row)
    {
        State.Invalid++;
        if (State.InvalidRows.Count < _options.InvalidRowSample) State.InvalidRows.Add(new InvalidRow(row.Line, row.Error!));
    }

    private Alert ToAlert(SourceRow row) => new()
    {
        AlertId = AlertIds.For(FileId, row.UserId!, row.Message!),
        FileId = FileId,
        Line = row.Line,
        UserId = row.UserId!,
        Message = row.Message!,
        Round = State.RetryRound,
        TraceParent = State.TraceParent,
    };

    private async Task DispatchAsync(IReadOnlyCollection<Alert> alerts)
    {
        var now = time.GetUtcNow();
        foreach (var alert in alerts) _dispatchedAt[alert.Line] = now;
        await Task.WhenAll(alerts.GroupBy(a => a.UserId).Select(user => DispatchToUserAsync(user.Key, [.. user])));
    }

    private async Task DispatchToUserAsync(string userId, List<Alert> alerts)
    {
        try
        {
            var outcomes = await GrainFactory.GetGrain<INotificationGrain>(userId).DispatchAsync(alerts);
            for (var i = 0; i < alerts.Count; i++) Apply(alerts[i].Line, outcomes[i], error: outcomes[i] == DispatchOutcome.DeadLettered ? DecidedEarlier : null);
        }
        catch (Exception error)
        {
            // The alerts stay in the window; forgetting when they were sent makes the next heartbeat retry them.
            foreach (var alert in alerts) _dispatchedAt.Remove(alert.Line);
            LogDispatchFailed(error, FileId, userId);
        }
    }

    private void Apply(long line, DispatchOutcome outcome, int? httpStatus = null, string? error = null)
    {
        if (State.Settle(line, outcome, httpStatus, error)) _dispatchedAt.Remove(line);
    }

    /// <summary>Dispatches again, idempotently, what this activation has not sent lately: after a crash, that is the whole window.</summary>
    private async Task RedispatchStaleAsync()
    {
        if (_crashesSeen != cluster.CrashedSilos)
        {
            // A silo crashed, perhaps with some of our users' queues: everything unconfirmed is due now.
            _crashesSeen = cluster.CrashedSilos;
            _dispatchedAt.Clear();
        }
        var due = time.GetUtcNow() - _options.RedispatchAfter;
        var stale = State.Window
            .Where(entry => !_dispatchedAt.TryGetValue(entry.Key, out var at) || at < due)
            .OrderBy(entry => entry.Value)
            .Take(_options.Window) // many requeued dead letters go out a window at a time
            .ToList();
        if (stale.Count == 0) return;
        try
        {
            var alerts = RecordRereader.ValidRows(Rows, stale).Select(ToAlert).ToList();
            AlertsMetrics.RowsReread.Add(stale.Count);
            await DispatchAsync(alerts);
        }
        catch (Exception error) when (error is FileNotFoundException or DirectoryNotFoundException)
        {
            await FailAsync($"file disappeared: {error.Message}");
            return;
        }
        await CheckpointAsync();
    }

    private async Task CompleteIfDoneAsync()
    {
        if (State.Status != FileStatus.Delivering || State.Window.Count > 0 || State.RetryOffset is not null) return;
        _completing = true; // a retry waits until the file is wholly completed: its heartbeat and reminder are stopped below
        try
        {
            await CompleteAsync();
        }
        finally
        {
            _completing = false;
        }
    }

    private async Task CompleteAsync()
    {
        State.Status = FileStatus.Completed;
        State.CompletedAt = time.GetUtcNow();
        if (State.RetryRound == 0 && await TakenContent.ChangeAsync(State.Path, State.Size, State.TakenModified, FileId) is { } change)
        {
            State.Warning = change;
            LogChanged(FileId, change);
        }
        State.Path = MoveTo(folders.Value.Archive);
        LogCompleted(FileId, State.Delivered, State.DeadLettered, State.Invalid);
        if (State.DeadLetters.Count > 0)
        {
            var (line, first) = State.DeadLetters.MinBy(d => d.Key);
            LogDeadLetters(FileId, State.DeadLettered, line, first.HttpStatus, first.Error);
        }
        await Writer.SaveAsync();
        await StopResumingAsync();
        await ScheduleExpiryAsync();
    }

    private async Task FailAsync(string reason)
    {
        Fail(reason);
        await Writer.SaveAsync();
        await StopResumingAsync();
        await ScheduleExpiryAsync();
    }

    private void Fail(string reason)
    {
        CloseReader();
        CloseRetryReader();
        State.RetryOffset = null;
        State.Status = FileStatus.Failed;
        State.Error = reason;
        State.CompletedAt = time.GetUtcNow();
        State.Path = MoveTo(folders.Value.Failed);
        LogFailed(FileId, reason);
    }

    private string MoveTo(string folder)
    {
        try
        {
            return FileMover.MoveInto(State.Path, folder, FileId);
        }
        catch (IOException error)
        {
            LogMoveFailed(error, FileId, folder);
            return State.Path;
        }
    }

    private async Task StopResumingAsync()
    {
        _heartbeat?.Dispose();
        _heartbeat = null;
        if (await this.GetReminder(ResumeReminder) is { } reminder) await this.UnregisterReminder(reminder);
    }

    private void CloseReader()
    {
        _reader?.Dispose();
        _reader = null;
    }

    [LoggerMessage(LogLevel.Information, "File {FileId} discovered: {Name}, {Size} bytes")]
    private partial void LogDiscovered(string fileId, string name, long size);

    [LoggerMessage(LogLevel.Information, "File {FileId} completed: {Delivered} delivered, {DeadLettered} dead-lettered, {Invalid} invalid")]
    private partial void LogCompleted(string fileId, long delivered, long deadLettered, long invalid);

    [LoggerMessage(LogLevel.Warning, "File {FileId} has {Count} dead letters; the first, line {Line}: HTTP {HttpStatus}, {Error}. Fix the receiver, then retry them (POST /files/{FileId}/retry)")]
    private partial void LogDeadLetters(string fileId, long count, long line, int? httpStatus, string? error);

    [LoggerMessage(LogLevel.Warning, "File {FileId} changed after it was taken: {Change}")]
    private partial void LogChanged(string fileId, string change);

    [LoggerMessage(LogLevel.Information, "File {FileId} expired: its state and records are removed")]
    private partial void LogExpired(string fileId);

    [LoggerMessage(LogLevel.Information, "File {FileId}: {Count} dead letters requeued (round {Round})")]
    private partial void LogRetrying(string fileId, long count, int round);

    [LoggerMessage(LogLevel.Warning, "File {FileId} failed: {Reason}")]
    private partial void LogFailed(string fileId, string reason);

    [LoggerMessage(LogLevel.Warning, "File {FileId}: reading or dispatching failed; retrying")]
    private partial void LogPumpFailed(Exception error, string fileId);

    [LoggerMessage(LogLevel.Warning, "File {FileId}: dispatch to user {UserId} failed; it will be re-dispatched")]
    private partial void LogDispatchFailed(Exception error, string fileId, string userId);

    [LoggerMessage(LogLevel.Warning, "File {FileId}: could not move it into {Folder}")]
    private partial void LogMoveFailed(Exception error, string fileId, string folder);
}
