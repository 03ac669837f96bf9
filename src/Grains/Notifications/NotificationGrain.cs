using Alerts.Grains.Common;
using Alerts.Grains.Delivery;
using Alerts.Grains.Interfaces;
using Alerts.Grains.Interfaces.Model;
using Alerts.Grains.Records;
using Alerts.Grains.Hosting;
using Alerts.Grains.RateLimiting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Placement;

namespace Alerts.Grains.Notifications;

/// <summary>
/// One user's alerts: the I/O around <see cref="UserDeliveries"/>, which holds the rules. Dispatch (one-way) settles
/// from memory what it can; the rest are looked up in their records beside it, and what memory or a record decided is
/// confirmed to the file while the others are queued. Delivery workers beside the grain's turns, at most
/// <see cref="WebhookOptions.PerUserConcurrency"/> of them, each make one attempt at a time (with one worker a user's
/// alerts arrive in file order). Every attempt is journaled in the silo's <see cref="DeliveryRecords"/> as in flight
/// just before it is sent, and its outcome replaces that mark; an outcome is written before it is confirmed to the file
/// through the batcher, never by awaiting the file itself. The grain holds no state of its own: a back-off lives in its
/// record, and the file's re-dispatch brings it back to a new activation. On deactivation the workers stop taking
/// work, let an attempt in flight finish, wait for its records to be written, and hand back to the files what they
/// did not send.
/// </summary>
[Reentrant]
[RandomPlacement] // users, and so one file's HTTP work, spread over every silo, whichever holds the file
public sealed partial class NotificationGrain(
    DeliveryRecords records,
    OutcomeWriter outcomes,
    AlertDeliverer deliverer,
    ConfirmationBatcher confirmations,
    DeliveryDrain drain,
    ActiveUsers active,
    WebhookRecovery recovery,
    IWebhookPermits permits,
    IOptions<WebhookOptions> webhook,
    TimeProvider time,
    ILogger<NotificationGrain> log) : Grain, INotificationGrain
{
    private const int ListLimit = 1_000;
    private readonly UserDeliveries _state = new(time, recovery, active.Holding, permits.IsFileUrgent);
    // Lookups and writes under way: deactivation waits for them.
    private readonly List<Task> _background = [];
    // Deactivation stops both; a silo's drain stops the first only. The second gives up on writes that keep failing.
    private readonly CancellationTokenSource _stopping = CancellationTokenSource.CreateLinkedTokenSource(drain.Stopping);
    private readonly CancellationTokenSource _abandon = new();
    private readonly int _concurrency = webhook.Value.PerUserConcurrency;
    private readonly List<Task> _workers = [];
    private int _working;
    private IGrainTimer? _wake;
    private Task? _recoveryWait;
    private Task? _unparkWait;
    private Action<Exception>? _writeFailed;
    private Action<DeliveryRecord>? _onWritten;
    private Action<Alert, int, DateTimeOffset>? _markInFlight;

    private string UserId => this.GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        active.Activated();
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        active.Deactivated();
        // Queued alerts were never sent: they go back to their files for the next activation. An attempt in
        // flight is let finish (cut off, it might still have reached the receiver) and its outcome written.
        await using var deadline = cancellationToken.Register(_abandon.Cancel);
        _stopping.Cancel();
        HandBackUnsent();
        _wake?.Dispose();
        try
        {
            await Task.WhenAll(_workers).WaitAsync(cancellationToken);
            await Task.WhenAll(_background).WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            LogStoppedInFlight(UserId, reason.ReasonCode.ToString());
        }
        // Their records say when they are due: the next activation takes them over when the files re-dispatch.
        foreach (var alert in _state.HandBackBackoffs()) confirmations.Enqueue(alert, Confirmation.HandBack(alert));
        _state.Clear();
        _stopping.Dispose(); // linked to the silo's drain: undisposed, every activation ever made stays registered there
    }

    public Task DispatchAsync(IReadOnlyList<Alert> alerts)
    {
        try
        {
            List<Alert>? unknown = null;
            foreach (var alert in alerts)
            {
                if (_stopping.IsCancellationRequested) confirmations.Enqueue(alert, Confirmation.HandBack(alert)); // to the next activation
                else if (_state.FromMemory(alert) is { } outcome) Confirm(alert, outcome);
                else (unknown ??= []).Add(alert);
            }
            if (unknown is not null) Track(LookUpAsync(unknown));
            if (_state.DueCount > 0) StartDelivering(); // memory may accept one: a dead letter of an earlier round
        }
        catch (Exception error)
        {
            // One-way: thrown, this would reach no one, and the file would wait out its re-dispatch timeout.
            LogDispatchFailed(error, UserId, alerts.Count);
            foreach (var alert in alerts) confirmations.Enqueue(alert, Confirmation.HandBack(alert));
        }
        return Task.CompletedTask;
    }

    /// <summary>
    /// Looks up the records of alerts memory does not know, beside the dispatch rather than in it (a call that completes
    /// at once costs Orleans no asynchronous turn).
    /// </summary>
    private async Task LookUpAsync(List<Alert> alerts)
    {
        using var busy = drain.Enter(); // a draining silo waits for its hand-backs
        var keys = new RecordKey[alerts.Count];
        for (var i = 0; i < keys.Length; i++) keys[i] = new RecordKey(alerts[i].FileId, UserId, alerts[i].AlertId);
        _state.LookupStarted();
        DeliveryRecord?[] found;
        try
        {
            found = await records.FindAsync(keys);
        }
        catch (Exception error)
        {
            _state.LookupEnded();
            LogLookupFailed(error, UserId, alerts.Count);
            foreach (var alert in alerts) confirmations.Enqueue(alert, Confirmation.HandBack(alert)); // dispatched again on the file's next beat
            return;
        }
        try
        {
            for (var i = 0; i < alerts.Count; i++)
            {
                var alert = alerts[i];
                if (_stopping.IsCancellationRequested) confirmations.Enqueue(alert, Confirmation.HandBack(alert)); // to the user's next activation
                else Confirm(alert, _state.FromMemory(alert) ?? _state.FromRecord(alert, found[i]), found[i]);
            }
        }
        finally
        {
            _state.LookupEnded(); // only now: what this lookup read may predate a write whose outcome memory still holds
        }
        StartDelivering();
        ScheduleWake();
    }

    public async Task<IReadOnlyList<DeliveryRecord>> GetDeliveriesAsync()
    {
        var files = await GrainFactory.GetGrain<IFileRegistryGrain>(0).ListAsync(int.MaxValue);
        var byId = (await records.ListAsync(UserId, files.Select(f => f.FileId), ListLimit)).ToDictionary(r => r.AlertId);
        foreach (var record in _state.Unstored()) byId[record.AlertId] = record;
        return [.. byId.Values.OrderByDescending(r => r.At).Take(ListLimit)];
    }

    /// <summary>Tells the file what memory or a record decided; a queued alert is confirmed once it is tried.</summary>
    private void Confirm(Alert alert, DispatchOutcome outcome, DeliveryRecord? found = null)
    {
        if (outcome == DispatchOutcome.Queued) return;
        var record = _state.Decided(alert.AlertId) ?? found;
        confirmations.Enqueue(alert, outcome == DispatchOutcome.DuplicateRow
            ? Confirmation.Duplicate(alert)
            : new Confirmation(alert.Line, outcome == DispatchOutcome.Delivered, record?.HttpStatus, record?.LastError, Round: alert.Round));
    }

    /// <summary>Starts workers up to the user's concurrency, one per queued alert.</summary>
    private void StartDelivering()
    {
        if (_stopping.IsCancellationRequested) return;
        _workers.RemoveAll(worker => worker.IsCompleted);
        for (var more = Math.Min(_concurrency - _working, _state.DueCount); more > 0; more--)
        {
            _working++; // counted before it starts: it may finish before the call returns
            _workers.Add(DeliverDueAsync());
        }
    }

    private async Task DeliverDueAsync()
    {
        using var busy = drain.Enter();
        try
        {
            while (!_stopping.IsCancellationRequested && _state.TryTakeDue(out var alert, out var queuedAt, out var previous))
                await AttemptAsync(alert, queuedAt, previous);
        }
        finally
        {
            _working--;
            if (_stopping.IsCancellationRequested) HandBackUnsent();
        }
    }

    // What was never sent goes back to its files now, for the user's next activation, rather than after the
    // files' re-dispatch timeout.
    private void HandBackUnsent()
    {
        foreach (var alert in _state.HandBackUnsent()) confirmations.Enqueue(alert, Confirmation.HandBack(alert));
    }

    private async Task AttemptAsync(Alert alert, long queuedAt, DeliveryRecord? previous)
    {
        using var span = AlertsTracing.StartDelivery(alert);
        DeliveryRecord? record;
        try
        {
            record = await deliverer.AttemptAsync(alert, previous?.Attempts ?? 0, previous?.FirstAttemptAt ?? time.GetUtcNow(), queuedAt,
                _markInFlight ??= MarkInFlight, _stopping.Token);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            _state.HandBack(alert); // stopped while it waited for a permit: never sent
            confirmations.Enqueue(alert, Confirmation.HandBack(alert));
            return;
        }
        catch (Exception error)
        {
            // Not recorded: the file still holds it in its window and will dispatch it again.
            LogDeliveryFailed(error, alert.AlertId, UserId);
            _state.NotAttempted(alert);
            return;
        }
        if (record is null)
        {
            Park(alert, queuedAt); // its file was paused while it waited
            return;
        }
        _state.Attempted(alert); // before a back-off is scheduled: the wake-up skips alerts still queued
        AlertsTracing.Outcome(span, record);
        if (record.Status == DeliveryStatus.Retrying)
        {
            _state.BackedOff(alert, record);
            Track(WriteBackOffAsync(record)); // a silo that dies resumes the back-off from this record
            ScheduleWake();
            return;
        }
        _state.Settled(alert, record);
        // The next attempt need not wait for the write; memory answers for the alert until it is stored.
        Track(outcomes.WriteThenConfirmAsync(alert, record, WriteFailed, _onWritten ??= _state.Written, _abandon.Token));
    }

    // Held by an operator: set aside, it keeps no worker from the user's alerts of other files; cancelled, it goes.
    private void Park(Alert alert, long queuedAt)
    {
        if (permits.IsFileCancelled(alert.FileId))
        {
            _state.HandBack(alert);
            return;
        }
        _state.Park(alert, queuedAt);
        if (_unparkWait is null || _unparkWait.IsCompleted) _unparkWait = UnparkWhenResumedAsync();
    }

    // One wait at a time, on the file of the first alert set aside (which also keeps the silo hearing of resumes).
    private async Task UnparkWhenResumedAsync()
    {
        try
        {
            while (_state.FirstParkedFile is { } fileId)
            {
                await permits.WhileFilePausedAsync(fileId, _stopping.Token);
                _state.DropParked(permits.IsFileCancelled);
                if (_state.Unpark(permits.IsFilePaused) > 0) StartDelivering();
            }
        }
        catch (OperationCanceledException)
        {
            // deactivating: what is set aside is handed back
        }
    }

    // Journaled, not awaited: after a crash, an alert found in flight is sent again and counted as uncertain.
    private void MarkInFlight(Alert alert, int attemptsBefore, DateTimeOffset firstAttemptAt) =>
        records.Journal(new DeliveryRecord
        {
            AlertId = alert.AlertId,
            FileId = alert.FileId,
            UserId = alert.UserId,
            Line = alert.Line,
            Round = alert.Round,
            At = time.GetUtcNow(),
            Attempts = attemptsBefore,
            FirstAttemptAt = firstAttemptAt,
            InFlight = true,
        });

    // Pruned as new ones come rather than by a continuation each: a user has a few at most.
    private void Track(Task work)
    {
        _background.RemoveAll(done => done.IsCompleted);
        if (!work.IsCompleted) _background.Add(work);
    }

    private Action<Exception> WriteFailed => _writeFailed ??= error => LogWriteFailed(error, UserId);

    /// <summary>Writes until it succeeds (a Redis restart must not drop outcomes), or deactivation gives up on it.</summary>
    private async Task WriteBackOffAsync(DeliveryRecord record)
    {
        using var busy = drain.Enter();
        await records.WriteUntilStoredAsync(record, WriteFailed, _abandon.Token);
    }

    /// <summary>
    /// Sets the wake-up timer for the earliest back-off that is not already queued, and waits for the webhook to come
    /// back from an outage, which makes every back-off due.
    /// </summary>
    private void ScheduleWake()
    {
        if (!_state.AnyBackingOff || _state.NextWake() is not { } next || _stopping.IsCancellationRequested) return;
        var dueIn = TimeSpan.FromTicks(Math.Max(0, (next - time.GetUtcNow()).Ticks));
        if (_wake is null)
            _wake = this.RegisterGrainTimer(WakeAsync, new GrainTimerCreationOptions(dueIn, Timeout.InfiniteTimeSpan) { Interleave = true, KeepAlive = true });
        else
            _wake.Change(dueIn, Timeout.InfiniteTimeSpan);
        _recoveryWait ??= WakeWhenWebhookBackAsync();
    }

    // One wait per user with back-offs, on the silo's one signal; it resumes on the grain's turns.
    private async Task WakeWhenWebhookBackAsync()
    {
        try
        {
            await recovery.NextBack.WaitAsync(_stopping.Token);
        }
        catch (OperationCanceledException)
        {
            return; // deactivating
        }
        finally
        {
            _recoveryWait = null;
        }
        await WakeAsync(CancellationToken.None);
    }

    private Task WakeAsync(CancellationToken cancellationToken)
    {
        _state.QueueDueBackoffs();
        StartDelivering();
        ScheduleWake();
        return Task.CompletedTask;
    }

    [LoggerMessage(LogLevel.Warning, "Alert {AlertId} for user {UserId} could not be attempted; its file will dispatch it again")]
    private partial void LogDeliveryFailed(Exception error, string alertId, string userId);

    [LoggerMessage(LogLevel.Error, "User {UserId}: taking {Count} dispatched alerts failed; their files will dispatch them again")]
    private partial void LogDispatchFailed(Exception error, string userId, int count);

    [LoggerMessage(LogLevel.Warning, "User {UserId}: looking up {Count} alerts' records failed; their files will dispatch them again")]
    private partial void LogLookupFailed(Exception error, string userId, int count);

    [LoggerMessage(LogLevel.Warning, "User {UserId}: writing a delivery record failed; trying again")]
    private partial void LogWriteFailed(Exception error, string userId);

    [LoggerMessage(LogLevel.Warning, "User {UserId}: deactivated ({Reason}) before its attempt in flight finished or its records were written; those alerts may be sent again")]
    private partial void LogStoppedInFlight(string userId, string reason);
}
