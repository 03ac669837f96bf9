using Alerts.Grains.Common;
using Alerts.Grains.Delivery;
using Alerts.Grains.Interfaces;
using Alerts.Grains.Interfaces.Model;
using Alerts.Grains.Records;
using Alerts.Grains.Hosting;
using Alerts.Grains.Placement;
using Alerts.Grains.RateLimiting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace Alerts.Grains.Notifications;

/// <summary>
/// One user's alerts: the I/O around <see cref="UserDeliveries"/> (the rules) and <see cref="UserWakeups"/> (what puts
/// alerts back in the queue). Dispatch (one-way) settles from memory what it can and looks up the rest in their records;
/// up to <see cref="WebhookOptions.PerUserConcurrency"/> workers each make one attempt at a time, journaled as in flight
/// just before it is sent; an outcome is written, then confirmed to its file through the batcher. No state of its own: a
/// back-off lives in its record. On deactivation, attempts in flight finish and what was not sent goes back to the files.
/// </summary>
[Reentrant]
[HomePlacement] // users, and so one file's HTTP work, spread evenly over every silo, whichever holds the file
public sealed partial class NotificationGrain(
    DeliveryRecords records,
    OutcomeWriter outcomes,
    AlertDeliverer deliverer,
    ConfirmationBatcher confirmations,
    DeliveryDrain drain,
    ActiveUsers active,
    WebhookRecovery recovery,
    UserHomes homes,
    SeenOnceRelease seenOnce,
    IWebhookPermits permits,
    IOptions<WebhookOptions> webhook,
    TimeProvider time,
    ILogger<NotificationGrain> log) : Grain, INotificationGrain
{
    private const int ListLimit = 1_000;
    // A user seen once (the commonest shape: a file of distinct users) lets its grain go a linger after its alert is
    // settled and stored (SeenOnceRelease), not after IdleUserAfter: held idle, a million of them took gigabytes. A
    // user whose next alert comes later than that is activated again for it.
    private static readonly Action<object> LookAgain = grain => ((NotificationGrain)grain).LetGoIfSeenOnce();
    // A user away from home (a silo joined) migrates there once idle, checked this often, or after the longest wait
    // with its queue handed back to the files: so a newcomer takes its share of busy users too.
    private static readonly TimeSpan AwayCheck = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan AwayAtMost = TimeSpan.FromSeconds(2);
    private readonly UserDeliveries _state = new(time, recovery, active.Holding, permits.IsFileUrgent);
    // Lookups and writes under way: deactivation waits for them.
    private readonly List<Task> _background = [];
    // Deactivation stops both; a silo's drain stops the first only. The second gives up on writes that keep failing.
    private readonly CancellationTokenSource _stopping = CancellationTokenSource.CreateLinkedTokenSource(drain.Stopping);
    private readonly CancellationTokenSource _abandon = new();
    private UserWorkers? _workers;
    private UserWakeups? _wakeups;
    private Action<Exception>? _writeFailed;
    private Action<DeliveryRecord>? _onWritten;
    private Action<Alert, int, DateTimeOffset>? _markInFlight;
    private IGrainTimer? _away;

    private string UserId => this.GetPrimaryKeyString();

    private UserWorkers Workers => _workers ??= new(_state, webhook.Value.PerUserConcurrency, AttemptAsync, drain, HandBackUnsent, _stopping.Token);

    private UserWakeups Wakeups => _wakeups ??= new(_state, permits, recovery, time,
        (wake, dueIn) => this.RegisterGrainTimer(wake, new GrainTimerCreationOptions(dueIn, Timeout.InfiniteTimeSpan) { Interleave = true, KeepAlive = true }),
        WokeUp, _stopping.Token);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        active.Activated();
        seenOnce.LookAgainAfterLinger(GrainContext.Scheduler, LookAgain, this);
        return Task.CompletedTask;
    }

    // A user with more alerts than one is left to the idle age (a shorter one than this goes first): it may well come
    // back soon. One going already (deactivating, or its silo draining) needs no look.
    private void LetGoIfSeenOnce()
    {
        if (_state.Taken > 1 || _stopping.IsCancellationRequested) return;
        if (_state.Idle && _background.All(work => work.IsCompleted)) this.DeactivateOnIdle();
        else seenOnce.LookAgainAfterLinger(GrainContext.Scheduler, LookAgain, this);
    }

    // A back-off come due, the webhook back or a paused file resumed: work that no dispatch brought, and so no check of home.
    private void WokeUp()
    {
        GoHomeIfAway();
        Workers.Start();
    }

    private void GoHomeIfAway()
    {
        if (_away is null && !homes.IsAtHome(this.GetGrainId())) LeaveForHome();
    }

    /// <summary>Moves this user to its home silo (<see cref="UserHomes"/>) once it is idle, or soon whatever it holds.</summary>
    private void LeaveForHome()
    {
        var since = time.GetTimestamp();
        _away = this.RegisterGrainTimer(() =>
        {
            if (homes.IsAtHome(this.GetGrainId())) // membership changed back
            {
                _away!.Dispose();
                _away = null;
            }
            else if ((_state.Idle && _background.All(work => work.IsCompleted)) || time.GetElapsedTime(since) >= AwayAtMost)
                this.MigrateOnIdle(); // not DeactivateOnIdle: the directory names the new home at once, so a caller's stale address cannot re-activate it here
            return Task.CompletedTask;
        }, new GrainTimerCreationOptions(AwayCheck, AwayCheck) { Interleave = true, KeepAlive = false });
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        active.Deactivated();
        // Queued alerts were never sent: they go back to their files for the next activation. An attempt in
        // flight is let finish (cut off, it might still have reached the receiver) and its outcome written.
        await using var deadline = cancellationToken.Register(_abandon.Cancel);
        _stopping.Cancel();
        HandBackUnsent();
        _wakeups?.Dispose();
        try
        {
            if (_workers is not null) await _workers.Stopped.WaitAsync(cancellationToken);
            await Task.WhenAll(_background).WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            LogStoppedInFlight(UserId, reason.ReasonCode.ToString());
        }
        // Their records say when they are due: the next activation takes them over when the files re-dispatch.
        foreach (var alert in _state.HandBackBackoffs()) HandBack(alert);
        _state.Clear();
        _stopping.Dispose(); // linked to the silo's drain: undisposed, every activation ever made stays registered there
    }

    public Task DispatchAsync(IReadOnlyList<Alert> alerts)
    {
        try
        {
            GoHomeIfAway();
            List<Alert>? unknown = null;
            foreach (var alert in alerts)
            {
                if (_stopping.IsCancellationRequested) HandBack(alert); // to the next activation
                else if (_state.FromMemory(alert) is { } outcome) Confirm(alert, outcome);
                else (unknown ??= []).Add(alert);
            }
            if (unknown is not null) Track(LookUpAsync(unknown));
            if (_state.DueCount > 0) Workers.Start(); // memory may accept one: a dead letter of an earlier round
        }
        catch (Exception error)
        {
            // One-way: thrown, this would reach no one, and the file would wait out its re-dispatch timeout.
            LogDispatchFailed(error, UserId, alerts.Count);
            foreach (var alert in alerts) HandBack(alert);
        }
        return Task.CompletedTask;
    }

    // Beside the dispatch rather than in it: a call that completes at once costs Orleans no asynchronous turn.
    private async Task LookUpAsync(List<Alert> alerts)
    {
        using var busy = drain.Enter(); // a draining silo waits for its hand-backs
        var keys = alerts.ConvertAll(alert => new RecordKey(alert.FileId, UserId, alert.AlertId));
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
            foreach (var alert in alerts) HandBack(alert); // dispatched again on the file's next beat
            return;
        }
        try
        {
            for (var i = 0; i < alerts.Count; i++)
            {
                var alert = alerts[i];
                if (_stopping.IsCancellationRequested) HandBack(alert); // to the user's next activation
                else Confirm(alert, _state.FromMemory(alert) ?? _state.FromRecord(alert, found[i]), found[i]);
            }
        }
        finally
        {
            _state.LookupEnded(); // only now: what this lookup read may predate a write whose outcome memory still holds
        }
        Workers.Start();
        if (_state.AnyBackingOff) Wakeups.ScheduleBackoffs(); // most users never back off: no wake-ups made for them
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

    // What was never sent goes back to its files now, for the user's next activation, rather than after the
    // files' re-dispatch timeout.
    private void HandBackUnsent()
    {
        foreach (var alert in _state.HandBackUnsent()) HandBack(alert);
    }

    private void HandBack(Alert alert) => confirmations.Enqueue(alert, Confirmation.HandBack(alert));

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
            HandBack(alert);
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
            Wakeups.Park(alert, queuedAt); // its file was paused or cancelled while it waited
            return;
        }
        _state.Attempted(alert); // before a back-off is scheduled: the wake-up skips alerts still queued
        AlertsTracing.Outcome(span, record);
        if (record.Status == DeliveryStatus.Retrying)
        {
            _state.BackedOff(alert, record);
            Track(outcomes.WriteBackOffAsync(record, WriteFailed, _abandon.Token)); // a silo that dies resumes the back-off from this record
            Wakeups.ScheduleBackoffs();
            return;
        }
        _state.Settled(alert, record);
        // The next attempt need not wait for the write; memory answers for the alert until it is stored.
        Track(outcomes.WriteThenConfirmAsync(alert, record, WriteFailed, _onWritten ??= _state.Written, _abandon.Token));
    }

    // Journaled, not awaited: after a crash, an alert found in flight is sent again and counted as uncertain.
    private void MarkInFlight(Alert alert, int attemptsBefore, DateTimeOffset firstAttemptAt) =>
        records.Journal(DeliveryRecord.SendingNow(alert, attemptsBefore, firstAttemptAt, time.GetUtcNow()));

    // Pruned as new ones come rather than by a continuation each: a user has a few at most.
    private void Track(Task work)
    {
        _background.RemoveAll(done => done.IsCompleted);
        if (!work.IsCompleted) _background.Add(work);
    }

    private Action<Exception> WriteFailed => _writeFailed ??= error => LogWriteFailed(error, UserId);

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
