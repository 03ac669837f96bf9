using Alerts.Grains.Common;
using Alerts.Grains.Delivery;
using Alerts.Grains.Hosting;
using Alerts.Grains.Interfaces;
using Alerts.Grains.Interfaces.Model;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;
using Orleans.Placement;
using Orleans.Storage;

namespace Alerts.Grains.Notifications;

/// <summary>
/// One user's alerts. Dispatch only queues and answers; a delivery loop running beside the grain's
/// turns makes one attempt at a time (so a user's alerts arrive in order). A failed attempt parks the
/// alert in durable state until its back-off ends, so it never blocks the alerts behind it and a
/// restarted silo resumes it. Final outcomes are recorded durably before they are confirmed to the
/// file through the batcher, never by awaiting the file itself. The loop belongs to the activation: on
/// deactivation it stops taking work, lets an attempt in flight finish and saves what came of it, so a
/// new activation never sends again what this one sent.
/// </summary>
[Reentrant]
[RandomPlacement] // users, and so one file's HTTP work, spread over every silo, whichever holds the file
public sealed partial class NotificationGrain(
    [PersistentState("user", StorageNames.Alerts)] IPersistentState<UserState> user,
    AlertDeliverer deliverer,
    ConfirmationBatcher confirmations,
    DeliveryDrain drain,
    TimeProvider time,
    ILogger<NotificationGrain> log) : Grain, INotificationGrain
{
    private static readonly TimeSpan Retention = TimeSpan.FromDays(7);
    private const int RecordCap = 1_000; // per user: bounds a user grain's memory and state whatever the files hold
    private static readonly TimeSpan FirstSaveRetry = TimeSpan.FromMilliseconds(200), LongestSaveRetry = TimeSpan.FromSeconds(5);
    private readonly Queue<Alert> _due = new();
    // Alerts queued or in flight: alert id → the line that carried it first.
    private readonly Dictionary<string, long> _accepted = [];
    // Deactivation cancels both; a silo's drain only the first: saves go on until they succeed.
    private readonly CancellationTokenSource _deactivating = new();
    private readonly CancellationTokenSource _stopping = CancellationTokenSource.CreateLinkedTokenSource(drain.Stopping);
    private CoalescingWriter? _writer;
    private bool _delivering;
    private Task _loop = Task.CompletedTask;
    private long _changes, _saved; // state changes made, and how many of them the last successful write carried
    private IGrainTimer? _wake;

    private UserState State => user.State;
    private CoalescingWriter Writer => _writer ??= new(() => user.WriteStateAsync());

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        ScheduleWake(); // back-offs saved by an earlier activation, perhaps on a silo that died
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // Queued alerts were never sent: they go back to their files for the next activation. An attempt in
        // flight is let finish (cut off, it might still have reached the receiver) and its outcome saved.
        _deactivating.Cancel();
        _stopping.Cancel();
        HandBackUnsent();
        _wake?.Dispose();
        try
        {
            await _loop.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            LogStoppedInFlight(UserId, reason.ReasonCode.ToString());
        }
        await SaveAsync(cancellationToken);
    }

    public Task<DispatchOutcome[]> DispatchAsync(IReadOnlyList<Alert> alerts)
    {
        // Deactivating: refuse, so the file dispatches again to the next activation instead of waiting on this one.
        if (_stopping.IsCancellationRequested) throw new InvalidOperationException($"user {UserId} is deactivating; dispatch again");
        var outcomes = new DispatchOutcome[alerts.Count];
        for (var i = 0; i < alerts.Count; i++) outcomes[i] = Accept(alerts[i]);
        StartDelivering();
        return Task.FromResult(outcomes);
    }

    public Task<IReadOnlyList<DeliveryRecord>> GetDeliveriesAsync() => Task.FromResult<IReadOnlyList<DeliveryRecord>>(
        [.. State.Retrying.Values.Select(r => r.Record).Concat(State.Deliveries.Values).OrderByDescending(r => r.At)]);

    public Task<DeliveryRecord?[]> GetRecordsAsync(IReadOnlyList<string> alertIds) => Task.FromResult(alertIds
        .Select(id => State.Deliveries.GetValueOrDefault(id) ?? State.Retrying.GetValueOrDefault(id)?.Record)
        .ToArray());

    private DispatchOutcome Accept(Alert alert)
    {
        if (State.Deliveries.TryGetValue(alert.AlertId, out var record))
        {
            if (record.Delivered || alert.Round <= record.Round) return Known(record.Line, alert, record.Delivered ? DispatchOutcome.Delivered : DispatchOutcome.DeadLettered);
            State.Deliveries.Remove(alert.AlertId); // a dead letter retried on demand starts afresh
            _changes++;
        }
        if (_accepted.TryGetValue(alert.AlertId, out var firstLine)) return Known(firstLine, alert, DispatchOutcome.Queued);
        if (State.Retrying.TryGetValue(alert.AlertId, out var retrying)) return Known(retrying.Alert.Line, alert, DispatchOutcome.Queued);
        _accepted[alert.AlertId] = alert.Line;
        _due.Enqueue(alert);
        return DispatchOutcome.Queued;
    }

    // The same alert from another line of the file is a duplicate row, whatever became of the first.
    private static DispatchOutcome Known(long firstLine, Alert alert, DispatchOutcome outcome) =>
        firstLine == alert.Line ? outcome : DispatchOutcome.DuplicateRow;

    private string UserId => this.GetPrimaryKeyString();

    private void StartDelivering()
    {
        if (_delivering || _due.Count == 0 || _stopping.IsCancellationRequested) return;
        _delivering = true; // set before the loop starts: it may finish before the call returns
        _loop = DeliverDueAsync();
    }

    private async Task DeliverDueAsync()
    {
        using var busy = drain.Enter();
        try
        {
            while (!_stopping.IsCancellationRequested && _due.TryDequeue(out var alert)) await AttemptAsync(alert);
        }
        finally
        {
            _delivering = false;
            if (_stopping.IsCancellationRequested) HandBackUnsent();
        }
    }

    // What was never sent goes back to its files now, for the user's next activation, rather than after the
    // files' re-dispatch timeout.
    private void HandBackUnsent()
    {
        while (_due.TryDequeue(out var alert)) HandBack(alert);
    }

    private void HandBack(Alert alert)
    {
        _accepted.Remove(alert.AlertId);
        confirmations.Enqueue(alert.FileId, Confirmation.HandBack(alert.Line));
    }

    private async Task AttemptAsync(Alert alert)
    {
        var retrying = State.Retrying.GetValueOrDefault(alert.AlertId);
        var firstAttemptAt = retrying?.FirstAttemptAt ?? time.GetUtcNow();
        DeliveryRecord record;
        try
        {
            (record, firstAttemptAt) = await deliverer.AttemptAsync(alert, retrying?.Record.Attempts ?? 0, firstAttemptAt, _stopping.Token);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            HandBack(alert); // stopped while it waited for a permit: never sent
            return;
        }
        catch (Exception error)
        {
            // Not recorded: the file still holds it in its window and will dispatch it again.
            LogDeliveryFailed(error, alert.AlertId, UserId);
            return;
        }
        finally
        {
            _accepted.Remove(alert.AlertId); // before a back-off is scheduled: the wake-up skips alerts still accepted
        }
        if (record.Status == DeliveryStatus.Retrying) BackOff(alert, record, firstAttemptAt);
        else Settle(alert, record);
    }

    private void BackOff(Alert alert, DeliveryRecord record, DateTimeOffset firstAttemptAt)
    {
        State.Retrying[alert.AlertId] = new RetryingAlert(alert, record, firstAttemptAt);
        _changes++;
        _ = SaveAsync(_deactivating.Token); // a silo that restarts resumes the back-off where it was
        ScheduleWake();
    }

    private void Settle(Alert alert, DeliveryRecord record)
    {
        State.Retrying.Remove(alert.AlertId);
        State.Deliveries[alert.AlertId] = record;
        State.Prune(time.GetUtcNow(), Retention, RecordCap);
        _changes++;
        _ = ConfirmOnceSavedAsync(alert, record);
    }

    // Recorded before confirmed: a confirmed alert is never sent again. The next attempt need not wait for the write.
    private async Task ConfirmOnceSavedAsync(Alert alert, DeliveryRecord record)
    {
        using var busy = drain.Enter();
        if (!await SaveAsync(_deactivating.Token)) return; // deactivating: its final save carries the record, and the file re-dispatches
        confirmations.Enqueue(alert.FileId, new Confirmation(alert.Line, record.Delivered, record.HttpStatus, record.LastError));
    }

    /// <summary>
    /// Saves until it succeeds (a Redis restart must not drop outcomes) or <paramref name="cancellationToken"/> fires.
    /// A conflict means another activation of this user has written since: this one stops sending and deactivates.
    /// </summary>
    private async Task<bool> SaveAsync(CancellationToken cancellationToken)
    {
        var pause = FirstSaveRetry;
        while (true)
        {
            if (_saved == _changes) return true; // nothing new: a write would only bump the version under another activation
            var carried = _changes;
            try
            {
                await Writer.SaveAsync();
                _saved = Math.Max(_saved, carried);
                return true;
            }
            catch (InconsistentStateException error)
            {
                LogSaveConflict(error, UserId);
                _stopping.Cancel();
                HandBackUnsent();
                this.DeactivateOnIdle();
                return false;
            }
            catch (Exception error)
            {
                LogSaveFailed(error, UserId);
            }
            try
            {
                await Task.Delay(pause, time, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return false;
            }
            pause = pause * 2 > LongestSaveRetry ? LongestSaveRetry : pause * 2;
        }
    }

    /// <summary>Sets the wake-up timer for the earliest back-off that is not already queued.</summary>
    private void ScheduleWake()
    {
        var next = State.Retrying.Values.Where(r => !_accepted.ContainsKey(r.Alert.AlertId)).Select(r => r.Record.NextAttemptAt!.Value).DefaultIfEmpty().Min();
        if (next == default) return;
        var dueIn = TimeSpan.FromTicks(Math.Max(0, (next - time.GetUtcNow()).Ticks));
        if (_wake is null)
            _wake = this.RegisterGrainTimer(WakeAsync, new GrainTimerCreationOptions(dueIn, Timeout.InfiniteTimeSpan) { Interleave = true, KeepAlive = true });
        else
            _wake.Change(dueIn, Timeout.InfiniteTimeSpan);
    }

    private Task WakeAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        foreach (var retrying in State.Retrying.Values.Where(r => r.Record.NextAttemptAt <= now && !_accepted.ContainsKey(r.Alert.AlertId)).ToList())
        {
            _accepted[retrying.Alert.AlertId] = retrying.Alert.Line;
            _due.Enqueue(retrying.Alert);
        }
        StartDelivering();
        ScheduleWake();
        return Task.CompletedTask;
    }

    [LoggerMessage(LogLevel.Warning, "Alert {AlertId} for user {UserId} could not be attempted; its file will dispatch it again")]
    private partial void LogDeliveryFailed(Exception error, string alertId, string userId);

    [LoggerMessage(LogLevel.Warning, "User {UserId}: saving delivery records failed; trying again")]
    private partial void LogSaveFailed(Exception error, string userId);

    [LoggerMessage(LogLevel.Warning, "User {UserId}: another activation saved first; this one stops and deactivates")]
    private partial void LogSaveConflict(Exception error, string userId);

    [LoggerMessage(LogLevel.Warning, "User {UserId}: deactivated ({Reason}) before its attempt in flight finished; that alert may be sent again")]
    private partial void LogStoppedInFlight(string userId, string reason);
}
