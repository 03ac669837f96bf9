using Alerts.Grains.Common;
using Alerts.Grains.Files.Reading;
using Alerts.Grains.Hosting;
using Alerts.Grains.Interfaces;
using Alerts.Grains.Interfaces.Model;
using Alerts.Grains.Notifications;
using Alerts.Grains.Records;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Placement;
using Orleans.Storage;

namespace Alerts.Grains.Files.Segments;

/// <summary>
/// Reads one segment of a file in chunks and dispatches its alerts to the users' grains, keeping at most a window of
/// them unconfirmed, and re-dispatches what stays unconfirmed. Reentrant: confirmations land while a chunk is being
/// dispatched; every state change happens between awaits, so turns never see each other half-done. Its file polls it
/// every second, which also brings it back on another silo after a crash; it keeps no reminder of its own.
/// </summary>
[Reentrant]
[RandomPlacement] // a file's segments, and so its reading and dispatching, spread over every silo
public sealed partial class SegmentGrain(
    [PersistentState("segment", StorageNames.Alerts)] IPersistentState<SegmentState> segment,
    IOptions<FileProcessingOptions> processing,
    DeliveryRecords records,
    UserDispatcher dispatcher,
    ClusterChanges cluster,
    TimeProvider time,
    ILogger<SegmentGrain> log) : Grain, ISegmentGrain
{
    private static readonly TimeSpan HeartbeatPeriod = TimeSpan.FromSeconds(1);
    // Progress is written at most this often: losing it costs a re-dispatch that users' records answer, never a resend.
    private static readonly TimeSpan CheckpointEvery = TimeSpan.FromSeconds(1);
    private readonly FileProcessingOptions _options = processing.Value;
    // Dispatched, unconfirmed rows by line; stored as a PendingCheckpoint.
    private readonly Dictionary<long, PendingRow> _window = [];
    // When each window line was last dispatched by this activation; a line missing here is due now.
    private readonly Dictionary<long, DateTimeOffset> _dispatchedAt = [];
    private StateWriter? _writer;
    private IAlertReader? _reader;
    private IAlertReader? _retryReader;
    private IGrainTimer? _heartbeat;
    private BatchWorkerFromDelegate? _pump;
    private Action<IReadOnlyList<Alert>, Exception>? _dispatchFailed;
    private int _crashesSeen = cluster.CrashedSilos;
    // Completed is told to the file only once it is stored: the file archives the file on that word.
    private bool _completing;
    private bool _forgotten;
    // A write found the stored state newer than this activation's (two activations, briefly, while a silo left): this
    // one stops and goes; the other carries on, and re-dispatches are answered from the users' records.
    private bool _stale;

    private SegmentState State => segment.State;
    private SegmentPlan Plan => State.Plan!;
    private RowSource Rows => new(Plan.Format, Plan.Path, Plan.End, Plan.MaxRowBytes, Plan.AlertMessage);

    // The window is stored as it is at the moment the write starts, with the counts it settled into.
    private StateWriter Writer => _writer ??= new(() =>
    {
        if (_forgotten || _stale) return Task.CompletedTask; // its file expired, or another activation owns the state
        State.Pending = PendingCheckpoint.Of(_window.Values);
        return segment.WriteStateAsync();
    }, time, CheckpointEvery);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (State.Plan is null || !State.IsActive) return;
        try
        {
            if (State.Pending is { } pending)
                foreach (var row in RecordRereader.Pending(Rows, pending)) _window[row.Line] = row;
        }
        catch (Exception error) when (error is FileNotFoundException or DirectoryNotFoundException)
        {
            await FailAsync($"file disappeared: {error.Message}");
            return;
        }
        catch (UnauthorizedAccessException)
        {
            await FailAsync("cannot read the file: permission denied");
            return;
        }
        // Outside a retry pass, every valid row not yet settled is in the window: a stored state that says otherwise
        // would count some rows twice or never, so an operator hears of it.
        if (State.Retry is null && State.Counts.Pending != _window.Count)
            LogCheckpointDisagrees(this.GetPrimaryKeyString(), State.Counts.Pending, _window.Count, State.Counts.Valid);
        StartHeartbeat(); // its first tick dispatches the whole window again: this activation has sent none of it
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        CloseReaders();
        if (State.Plan is not null && !_forgotten && !_stale) await Writer.SaveAsync();
    }

    public async Task<SegmentProgress> StartAsync(SegmentPlan plan)
    {
        if (State.Plan is null)
        {
            State.Plan = plan;
            State.Status = SegmentStatus.Reading;
            (State.NextOffset, State.LinesRead) = (plan.Start, plan.LinesBefore);
            await Writer.SaveAsync();
        }
        if (State.IsActive) StartHeartbeat();
        return Progress();
    }

    private SegmentProgress Progress() => _completing ? State.Progress() with { Status = SegmentStatus.Delivering } : State.Progress();

    public Task ConfirmAsync(IReadOnlyList<Confirmation> confirmations)
    {
        if (State.Plan is null || _forgotten) return Task.CompletedTask; // late news for a segment never started or expired
        foreach (var c in confirmations)
        {
            if (c.Round != State.RetryRound) continue; // an outcome of an earlier round, late: the row is being tried again
            if (c.HandedBack) _dispatchedAt.Remove(c.Line); // due again on the next heartbeat, to the user's next activation
            else Settle(c.Line, c.DuplicateRow ? DispatchOutcome.DuplicateRow : c.Delivered ? DispatchOutcome.Delivered : DispatchOutcome.DeadLettered, c.HttpStatus, c.Error);
        }
        _ = PumpAsync(); // the window has room again; the confirmer need not wait for the next chunk
        return Writer.CheckpointAsync();
    }

    public async Task<SegmentProgress> RetryDeadLettersAsync(string path, int round)
    {
        if (State.Plan is null || round <= State.RetryRound || State.Status != SegmentStatus.Completed || _completing) return Progress();
        State.Plan = Plan with { Path = path };
        State.RetryRound = round;
        if (State.Counts.DeadLettered > 0)
        {
            State.ForgetDeadLetters();
            State.Retry = new RowCursor(Plan.Start, Plan.LinesBefore, 0);
            State.Status = SegmentStatus.Delivering;
        }
        CloseReaders();
        await Writer.SaveAsync();
        if (State.IsActive) StartHeartbeat();
        return Progress();
    }

    public Task<IReadOnlyList<long>> GetPendingLinesAsync() => Task.FromResult<IReadOnlyList<long>>([.. _window.Keys]);

    public async Task StopAsync(string reason)
    {
        if (State.Plan is null || !State.IsActive || _completing) return;
        await FailAsync(reason);
    }

    public async Task ForgetAsync()
    {
        _forgotten = true;
        StopHeartbeat();
        CloseReaders();
        _window.Clear();
        await Writer.SaveAsync(); // waits out a write already under way, which would otherwise land after the clear
        await segment.ClearStateAsync();
        this.DeactivateOnIdle();
    }

    private void StartHeartbeat() => _heartbeat ??= this.RegisterGrainTimer(
        HeartbeatAsync, new GrainTimerCreationOptions(TimeSpan.Zero, HeartbeatPeriod) { Interleave = true, KeepAlive = true });

    private void StopHeartbeat()
    {
        _heartbeat?.Dispose();
        _heartbeat = null;
    }

    private async Task HeartbeatAsync(CancellationToken cancellationToken)
    {
        try
        {
            await BeatAsync();
        }
        catch (InconsistentStateException error)
        {
            StepAside(error);
        }
    }

    private void StepAside(InconsistentStateException error)
    {
        if (_stale) return;
        _stale = true;
        StopHeartbeat();
        CloseReaders();
        LogStale(error, this.GetPrimaryKeyString());
        this.DeactivateOnIdle();
    }

    private async Task BeatAsync()
    {
        if (_stale) return;
        if (!File.Exists(Plan.Path))
        {
            // Its file failed and was moved (a stop that did not reach this segment), or was removed: an open reader
            // would still read it, so the path is what tells.
            await FailAsync("file disappeared: it is no longer where it was read");
            return;
        }
        await RedispatchStaleAsync();
        await PumpAsync();
        await Writer.FlushAsync(); // progress a checkpoint put off
    }

    /// <summary>
    /// Reads and dispatches chunks while the window has room, then completes the segment when all is confirmed. One pass
    /// at a time; asked again meanwhile, it makes one more.
    /// </summary>
    private Task PumpAsync() => (_pump ??= new(PumpOnceAsync)).NotifyAndWaitForWorkToBeServiced();

    private async Task PumpOnceAsync()
    {
        if (_stale || State.Plan is null || !State.IsActive) return;
        try
        {
            while (State.Status == SegmentStatus.Reading && _window.Count < _options.Window)
            {
                var alerts = ReadChunk(Math.Min(_options.ChunkRows, _options.Window - _window.Count));
                Dispatch(alerts);
                await Writer.CheckpointAsync();
            }
            while (State.Retry is not null && _window.Count < _options.Window)
            {
                var alerts = await FindDeadLettersAsync(Math.Min(_options.ChunkRows, _options.Window - _window.Count));
                Dispatch(alerts);
                await Writer.CheckpointAsync();
            }
            await CompleteIfDoneAsync();
        }
        catch (Exception error) when (error is FileNotFoundException or DirectoryNotFoundException)
        {
            await FailAsync($"file disappeared: {error.Message}");
        }
        catch (InconsistentStateException error)
        {
            StepAside(error);
        }
        catch (Exception error)
        {
            LogPumpFailed(error, this.GetPrimaryKeyString()); // the heartbeat tries again
        }
    }

    private List<Alert> ReadChunk(int maxAlerts)
    {
        var reader = _reader ??= AlertReaders.Open(Rows, State.NextOffset, State.LinesRead);
        var alerts = new List<Alert>(maxAlerts);
        var rowsBefore = State.Counts.Rows;
        while (alerts.Count < maxAlerts)
        {
            if (reader.Read() is not { } row)
            {
                State.Status = SegmentStatus.Delivering;
                CloseReaders();
                TellFile(); // its next segment can start
                break;
            }
            var ordinal = State.CountRead(row.IsValid);
            (State.NextOffset, State.LinesRead) = (reader.Offset, reader.Lines);
            if (!row.IsValid)
            {
                State.CountInvalid(row.Line, row.Error!, _options.InvalidRowSample);
                continue;
            }
            _window[row.Line] = new PendingRow(ordinal, row.Line, row.Offset);
            alerts.Add(ToAlert(row));
        }
        AlertsMetrics.RowsRead.Add(State.Counts.Rows - rowsBefore);
        return alerts;
    }

    /// <summary>
    /// The next rows of a retry pass whose records say they are dead from an earlier round, put back in the window;
    /// at most <paramref name="maxRows"/> rows are looked at, so the window stays bounded however many there are.
    /// </summary>
    private async Task<List<Alert>> FindDeadLettersAsync(int maxRows)
    {
        var cursor = State.Retry!;
        var reader = _retryReader ??= AlertReaders.Open(Rows with { EndOffset = State.NextOffset }, cursor.Offset, cursor.Lines);
        var rows = new List<PendingRow>(maxRows);
        var alerts = new List<Alert>(maxRows);
        var ordinal = cursor.Ordinal;
        var ended = false;
        try
        {
            for (var looked = 0; looked < maxRows; looked++, ordinal++)
            {
                if (reader.Read() is not { } row)
                {
                    ended = true;
                    break;
                }
                if (!row.IsValid || _window.ContainsKey(row.Line)) continue;
                rows.Add(new PendingRow(ordinal, row.Line, row.Offset));
                alerts.Add(ToAlert(row));
            }
        }
        catch
        {
            CloseReaders();
            throw;
        }
        var (after, round) = (new RowCursor(reader.Offset, reader.Lines, ordinal), State.RetryRound);
        DeliveryRecord?[] found;
        try
        {
            found = await records.FindAsync([.. alerts.Select(a => new RecordKey(a.FileId, a.UserId, a.AlertId))]);
        }
        catch
        {
            CloseReaders(); // the pass reopens at its saved cursor and looks at these rows again
            throw;
        }
        if (State.RetryRound != round || State.Retry is null) return []; // the pass was restarted or ended meanwhile
        // Dead from an earlier round; or already tried in this one, which only a pass resumed after a crash meets: this
        // activation lost them from its window before its checkpoint, and their outcome is counted when they come back.
        var dead = new List<Alert>();
        for (var i = 0; i < alerts.Count; i++)
        {
            if (found[i] is not { } record || record.Line != alerts[i].Line) continue;
            if (record.Round != State.RetryRound && !(record.Status == DeliveryStatus.DeadLettered && record.Round < State.RetryRound)) continue;
            _window[rows[i].Line] = rows[i];
            dead.Add(alerts[i]);
        }
        State.Retry = ended ? null : after;
        if (ended) CloseReaders();
        return dead;
    }

    private Alert ToAlert(SourceRow row) => new()
    {
        AlertId = AlertIds.For(Plan.FileId, row.UserId!, row.Message!),
        FileId = Plan.FileId,
        Segment = Plan.Index,
        Line = row.Line,
        UserId = row.UserId!,
        Message = row.Message!,
        Round = State.RetryRound,
        TraceParent = Plan.TraceParent,
    };

    /// <summary>Dispatches alerts to their users' grains (<see cref="UserDispatcher"/>); their outcomes come back as confirmations.</summary>
    private void Dispatch(IReadOnlyCollection<Alert> alerts)
    {
        var now = time.GetUtcNow();
        foreach (var alert in alerts) _dispatchedAt[alert.Line] = now;
        dispatcher.Dispatch(alerts, _dispatchFailed ??= DispatchFailed);
    }

    // The alerts stay in the window; forgetting when they were sent makes the next heartbeat retry them.
    private void DispatchFailed(IReadOnlyList<Alert> alerts, Exception error)
    {
        foreach (var alert in alerts) _dispatchedAt.Remove(alert.Line);
        LogDispatchFailed(error, this.GetPrimaryKeyString(), alerts[0].UserId, alerts.Count);
    }

    /// <summary>Settles a window line once; news of a line already settled is ignored.</summary>
    private void Settle(long line, DispatchOutcome outcome, int? httpStatus = null, string? error = null)
    {
        if (outcome == DispatchOutcome.Queued || !_window.Remove(line)) return;
        _dispatchedAt.Remove(line);
        State.Count(line, outcome, httpStatus, error);
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
        var stale = _window.Values
            .Where(row => !_dispatchedAt.TryGetValue(row.Line, out var at) || at < due)
            .OrderBy(row => row.Offset)
            .ToList();
        if (stale.Count == 0) return;
        try
        {
            var alerts = RecordRereader.ValidRows(Rows, stale).Select(ToAlert).ToList();
            AlertsMetrics.RowsReread.Add(stale.Count);
            Dispatch(alerts);
        }
        catch (Exception error) when (error is FileNotFoundException or DirectoryNotFoundException)
        {
            await FailAsync($"file disappeared: {error.Message}");
            return;
        }
        await Writer.CheckpointAsync();
    }

    private async Task CompleteIfDoneAsync()
    {
        if (State.Status != SegmentStatus.Delivering || _window.Count > 0 || State.Retry is not null || _completing) return;
        State.Status = SegmentStatus.Completed;
        _completing = true;
        try
        {
            await Writer.SaveAsync();
        }
        catch
        {
            State.Status = SegmentStatus.Delivering; // the heartbeat completes it again
            throw;
        }
        finally
        {
            _completing = false;
        }
        StopHeartbeat();
        TellFile();
    }

    private async Task FailAsync(string reason)
    {
        CloseReaders();
        State.Retry = null;
        State.Status = SegmentStatus.Failed;
        State.Error = reason;
        StopHeartbeat();
        await Writer.SaveAsync();
        TellFile();
    }

    /// <summary>Tells the file this segment finished reading or settled (one-way: a lost word only waits for its next poll).</summary>
    private void TellFile() => _ = GrainFactory.GetGrainByKey<IFileGrain>(Plan.FileId).SegmentChangedAsync();

    private void CloseReaders()
    {
        _reader?.Dispose();
        _reader = null;
        _retryReader?.Dispose();
        _retryReader = null;
    }

    [LoggerMessage(LogLevel.Error, "Segment {Segment}: its stored counts leave {Pending} rows unsettled but its stored window holds {Window} (of {Valid} valid rows read)")]
    private partial void LogCheckpointDisagrees(string segment, long pending, int window, long valid);

    [LoggerMessage(LogLevel.Information, "Segment {Segment}: another activation wrote its state; this one steps aside")]
    private partial void LogStale(Exception error, string segment);

    [LoggerMessage(LogLevel.Warning, "Segment {Segment}: reading or dispatching failed; retrying")]
    private partial void LogPumpFailed(Exception error, string segment);

    [LoggerMessage(LogLevel.Warning, "Segment {Segment}: dispatching {Count} alerts (user {UserId} among them) failed; they will be re-dispatched")]
    private partial void LogDispatchFailed(Exception error, string segment, string userId, int count);
}
