using System.Collections.Concurrent;
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
/// One user's alerts. Dispatch (one-way) settles from memory what it can; the rest are looked up in their records beside
/// it, and what memory or a record decided is confirmed to the file while the others are queued. Delivery
/// workers beside the grain's turns, at most <see cref="WebhookOptions.PerUserConcurrency"/> of them, each make
/// one attempt at a time (with one worker a user's alerts arrive in file order). Every
/// attempt is journaled in the silo's <see cref="DeliveryRecords"/> as in flight just before it is sent, and
/// its outcome (delivered, dead, or backing off until a set time, or until the webhook comes back from an outage if
/// that is sooner) replaces that mark; an outcome is written
/// before it is confirmed to the file through the batcher, never by awaiting the file itself. The grain holds
/// no state of its own: a back-off lives in its record, and the file's re-dispatch brings it back to a new
/// activation. On deactivation the workers stop taking work, lets an attempt in flight finish, waits for its
/// records to be written and hands back to the files what it did not send.
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
    IOptions<WebhookOptions> webhook,
    TimeProvider time,
    ILogger<NotificationGrain> log) : Grain, INotificationGrain
{
    private const int ListLimit = 1_000;
    // Alerts due for an attempt, with when they were queued: the oldest waiting alert gets the next permit.
    private readonly Queue<(Alert Alert, long QueuedAt)> _due = new();
    // Alerts queued or in flight: alert id → the line that carried it first.
    private readonly Dictionary<string, long> _accepted = [];
    // Alerts with attempts behind them (backing off, or taken over from a record): alert id → the alert and its last record.
    private readonly Dictionary<string, Backoff> _retrying = [];
    // Outcomes this activation decided, kept until written and while a lookup that may have missed the write is out.
    private readonly Dictionary<string, DeliveryRecord> _decided = [];
    // Outcomes stored (told from outside the grain's turns), to be forgotten by the next turn that finds no lookup out.
    private readonly ConcurrentQueue<DeliveryRecord> _written = new();
    // Lookups and writes under way: deactivation waits for them.
    private readonly List<Task> _background = [];
    // Alerts queued, in flight or backing off: counted in the silo's backlog gauge.
    private readonly HashSet<string> _held = [];
    private int _lookups;
    // Deactivation stops both; a silo's drain stops the first only. The second gives up on writes that keep failing.
    private readonly CancellationTokenSource _stopping = CancellationTokenSource.CreateLinkedTokenSource(drain.Stopping);
    private readonly CancellationTokenSource _abandon = new();
    private readonly int _concurrency = webhook.Value.PerUserConcurrency;
    private readonly List<Task> _workers = [];
    private int _working;
    private IGrainTimer? _wake;
    private Task? _recoveryWait;
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
        foreach (var backoff in _retrying.Values.ToList()) HandBack(backoff.Alert);
        active.Holding(-_held.Count);
        _held.Clear();
        _stopping.Dispose(); // linked to the silo's drain: undisposed, every activation ever made stays registered there
    }

    public Task DispatchAsync(IReadOnlyList<Alert> alerts)
    {
        try
        {
            ForgetWritten();
            List<Alert>? unknown = null;
            foreach (var alert in alerts)
            {
                if (_stopping.IsCancellationRequested) confirmations.Enqueue(alert, Confirmation.HandBack(alert)); // to the next activation
                else if (FromMemory(alert) is { } outcome) Confirm(alert, outcome);
                else (unknown ??= []).Add(alert);
            }
            if (unknown is not null) Track(LookUpAsync(unknown));
            if (_due.Count > 0) StartDelivering(); // memory may accept one: a dead letter of an earlier round
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
        _lookups++;
        DeliveryRecord?[] found;
        try
        {
            found = await records.FindAsync(keys);
        }
        catch (Exception error)
        {
            LookedUp();
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
                else Confirm(alert, FromMemory(alert) ?? FromRecord(alert, found[i]), found[i]);
            }
        }
        finally
        {
            LookedUp(); // only now: what this lookup read may predate a write whose outcome memory still holds
        }
        StartDelivering();
        ScheduleWake();
    }

    public async Task<IReadOnlyList<DeliveryRecord>> GetDeliveriesAsync()
    {
        var files = await GrainFactory.GetGrain<IFileRegistryGrain>(0).ListAsync(int.MaxValue);
        var byId = (await records.ListAsync(UserId, files.Select(f => f.FileId), ListLimit)).ToDictionary(r => r.AlertId);
        foreach (var (id, record) in _decided) byId[id] = record;
        foreach (var (id, backoff) in _retrying) byId[id] = backoff.Record;
        return [.. byId.Values.OrderByDescending(r => r.At).Take(ListLimit)];
    }

    /// <summary>Tells the file what memory or a record decided; a queued alert is confirmed once it is tried.</summary>
    private void Confirm(Alert alert, DispatchOutcome outcome, DeliveryRecord? found = null)
    {
        if (outcome == DispatchOutcome.Queued) return;
        var record = _decided.GetValueOrDefault(alert.AlertId) ?? found;
        confirmations.Enqueue(alert, outcome == DispatchOutcome.DuplicateRow
            ? Confirmation.Duplicate(alert)
            : new Confirmation(alert.Line, outcome == DispatchOutcome.Delivered, record?.HttpStatus, record?.LastError, Round: alert.Round));
    }

    /// <summary>What this activation knows of the alert, or null when its record must be looked up.</summary>
    private DispatchOutcome? FromMemory(Alert alert)
    {
        if (_accepted.TryGetValue(alert.AlertId, out var firstLine)) return Known(firstLine, alert, DispatchOutcome.Queued);
        if (_retrying.TryGetValue(alert.AlertId, out var backoff)) return Known(backoff.Alert.Line, alert, DispatchOutcome.Queued);
        return _decided.TryGetValue(alert.AlertId, out var record) ? FromRecord(alert, record) : null;
    }

    private DispatchOutcome FromRecord(Alert alert, DeliveryRecord? record)
    {
        switch (record?.Status)
        {
            case null:
                return Accept(alert);
            case DeliveryStatus.Delivered:
                return Known(record.Line, alert, DispatchOutcome.Delivered);
            case DeliveryStatus.DeadLettered:
                // A dead letter retried on demand (a newer round) starts afresh.
                return alert.Round > record.Round ? Accept(alert) : Known(record.Line, alert, DispatchOutcome.DeadLettered);
            default:
                if (record.Line != alert.Line) return DispatchOutcome.DuplicateRow;
                // Backing off, or in flight when its silo died: taken over with its attempts, the latter due now.
                if (record.InFlight) AlertsMetrics.UncertainResends.Add(1);
                _retrying[alert.AlertId] = new Backoff(alert, record.InFlight ? record with { InFlight = false, NextAttemptAt = time.GetUtcNow() } : record);
                Hold(alert.AlertId);
                return DispatchOutcome.Queued;
        }
    }

    private DispatchOutcome Accept(Alert alert)
    {
        _decided.Remove(alert.AlertId);
        _accepted[alert.AlertId] = alert.Line;
        Hold(alert.AlertId);
        _due.Enqueue((alert, time.GetTimestamp()));
        return DispatchOutcome.Queued;
    }

    // The same alert from another line of the file is a duplicate row, whatever became of the first.
    private static DispatchOutcome Known(long firstLine, Alert alert, DispatchOutcome outcome) =>
        firstLine == alert.Line ? outcome : DispatchOutcome.DuplicateRow;

    private void LookedUp()
    {
        _lookups--;
        ForgetWritten();
    }

    // Stored outcomes are forgotten only while no lookup is out: one out may have read before the write.
    private void ForgetWritten()
    {
        if (_lookups > 0) return;
        while (_written.TryDequeue(out var written)) Forget(written);
    }

    /// <summary>Starts workers up to the user's concurrency, one per queued alert.</summary>
    private void StartDelivering()
    {
        if (_stopping.IsCancellationRequested) return;
        _workers.RemoveAll(worker => worker.IsCompleted);
        for (var more = Math.Min(_concurrency - _working, _due.Count); more > 0; more--)
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
            while (!_stopping.IsCancellationRequested && _due.TryDequeue(out var due)) await AttemptAsync(due.Alert, due.QueuedAt);
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
        while (_due.TryDequeue(out var due)) HandBack(due.Alert);
    }

    private void HandBack(Alert alert)
    {
        _accepted.Remove(alert.AlertId);
        _retrying.Remove(alert.AlertId); // its record keeps its attempts for the next activation
        Release(alert.AlertId);
        confirmations.Enqueue(alert, Confirmation.HandBack(alert));
    }

    private async Task AttemptAsync(Alert alert, long queuedAt)
    {
        var previous = _retrying.GetValueOrDefault(alert.AlertId)?.Record;
        var attemptsBefore = previous?.Attempts ?? 0;
        var firstAttemptAt = previous?.FirstAttemptAt ?? time.GetUtcNow();
        using var span = AlertsTracing.StartDelivery(alert);
        DeliveryRecord record;
        try
        {
            record = await deliverer.AttemptAsync(alert, attemptsBefore, firstAttemptAt, queuedAt, _markInFlight ??= MarkInFlight, _stopping.Token);
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
            if (!_retrying.ContainsKey(alert.AlertId)) Release(alert.AlertId);
            return;
        }
        finally
        {
            _accepted.Remove(alert.AlertId); // before a back-off is scheduled: the wake-up skips alerts still accepted
        }
        AlertsTracing.Outcome(span, record);
        if (record.Status == DeliveryStatus.Retrying) BackOff(alert, record);
        else Settle(alert, record);
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

    private void BackOff(Alert alert, DeliveryRecord record)
    {
        _retrying[alert.AlertId] = new Backoff(alert, record);
        Track(WriteBackOffAsync(record)); // a silo that dies resumes the back-off from this record
        ScheduleWake();
    }

    private void Settle(Alert alert, DeliveryRecord record)
    {
        _retrying.Remove(alert.AlertId);
        Release(alert.AlertId);
        _decided[alert.AlertId] = record;
        ForgetWritten();
        // The next attempt need not wait for the write; memory answers for the alert until it is stored.
        Track(outcomes.WriteThenConfirmAsync(alert, record, WriteFailed, _onWritten ??= _written.Enqueue, _abandon.Token));
    }

    private void Hold(string alertId)
    {
        if (_held.Add(alertId)) active.Holding(1);
    }

    private void Release(string alertId)
    {
        if (_held.Remove(alertId)) active.Holding(-1);
    }

    private void Forget(DeliveryRecord written)
    {
        if (_decided.GetValueOrDefault(written.AlertId) == written) _decided.Remove(written.AlertId);
    }

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
        if (_retrying.Count == 0) return;
        var next = _retrying.Values.Where(b => !_accepted.ContainsKey(b.Alert.AlertId)).Select(DueAt).Min();
        if (next is null || _stopping.IsCancellationRequested) return;
        var dueIn = TimeSpan.FromTicks(Math.Max(0, (next.Value - time.GetUtcNow()).Ticks));
        if (_wake is null)
            _wake = this.RegisterGrainTimer(WakeAsync, new GrainTimerCreationOptions(dueIn, Timeout.InfiniteTimeSpan) { Interleave = true, KeepAlive = true });
        else
            _wake.Change(dueIn, Timeout.InfiniteTimeSpan);
        _recoveryWait ??= WakeWhenWebhookBackAsync();
    }

    private DateTimeOffset? DueAt(Backoff backoff) => backoff.Record.NextAttemptAt is { } until ? recovery.DueAt(backoff.Record.At, until) : null;

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
        var now = time.GetUtcNow();
        foreach (var backoff in _retrying.Values.Where(b => DueAt(b) <= now && !_accepted.ContainsKey(b.Alert.AlertId)).ToList())
        {
            _accepted[backoff.Alert.AlertId] = backoff.Alert.Line;
            _due.Enqueue((backoff.Alert, time.GetTimestamp()));
        }
        StartDelivering();
        ScheduleWake();
        return Task.CompletedTask;
    }

    /// <summary>An alert between attempts, and its last record (attempts, first attempt, when it is due).</summary>
    private sealed record Backoff(Alert Alert, DeliveryRecord Record);

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
