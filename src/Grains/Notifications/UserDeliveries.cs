using System.Collections.Concurrent;
using Alerts.Grains.Common;
using Alerts.Grains.Interfaces.Model;
using Alerts.Grains.RateLimiting;

namespace Alerts.Grains.Notifications;

/// <summary>
/// One user's delivery state, apart from the grain so that each rule is tested on a fake clock: what an alert
/// dispatched again is (known from memory, from its record, or new), the queue of alerts due for an attempt (oldest
/// first), the alerts backing off and when each is due, and the outcomes decided but not yet stored. Single-threaded:
/// the grain calls it from its turns only, except <see cref="Written"/>, which any thread may call.
/// <list type="bullet">
/// <item>An alert is accepted once: queued, in flight or backing off, the same alert dispatched again is still queued;
/// from another line of the file it is a duplicate row.</item>
/// <item>A record decides what memory does not know: delivered is final; a dead letter is final within its round and a
/// newer round starts afresh; an alert backing off, or in flight when its silo died, is taken over with its attempts
/// (in flight: due now, and counted as an uncertain resend).</item>
/// <item>An outcome this activation decided answers for the alert until it is stored, and a stored one is forgotten
/// only while no lookup is out: a lookup may have read before the write.</item>
/// <item>A back-off is due at its own time, or when the webhook comes back from an outage if that is sooner.</item>
/// </list>
/// </summary>
public sealed class UserDeliveries(TimeProvider time, WebhookRecovery recovery, Action<int> holding, Func<string, bool>? urgentFile = null)
{
    // Alerts due for an attempt, with when they were queued: the oldest waiting alert gets the next permit. Those of
    // high-priority files queue apart and go first.
    private readonly Queue<(Alert Alert, long QueuedAt)> _due = new(), _urgent = new();
    // Alerts queued or in flight: alert id → the line that carried it first.
    private readonly Dictionary<string, long> _accepted = [];
    // Alerts with attempts behind them (backing off, or taken over from a record): alert id → the alert and its last record.
    private readonly Dictionary<string, Backoff> _retrying = [];
    // Outcomes decided here, kept until stored and while a lookup that may have missed the write is out.
    private readonly Dictionary<string, DeliveryRecord> _decided = [];
    // Outcomes stored (told from outside the grain's turns), to be forgotten by the next call that finds no lookup out.
    // A stack, not a queue: the order does not matter, and a queue's first segment alone outweighs the rest of a user.
    private readonly ConcurrentStack<DeliveryRecord> _written = new();
    // Alerts queued whose files an operator paused, set aside so that they hold no worker: put back when resumed.
    private readonly List<(Alert Alert, long QueuedAt, DateTimeOffset ParkedAt)> _parked = [];
    // Alerts queued, in flight or backing off: the silo's backlog gauge counts them.
    private readonly HashSet<string> _held = [];
    private int _lookups;

    /// <summary>Alerts due for an attempt now.</summary>
    public int DueCount => _due.Count + _urgent.Count;

    /// <summary>Alerts queued, in flight or backing off.</summary>
    public int Held => _held.Count;

    /// <summary>Alerts taken on since the grain was activated (queued, or taken over from a record).</summary>
    public int Taken { get; private set; }

    /// <summary>Nothing held, set aside, looked up or waiting to be stored: the grain may go with nothing to hand back.</summary>
    public bool Idle
    {
        get
        {
            ForgetWritten();
            return _held.Count == 0 && _parked.Count == 0 && _lookups == 0 && _decided.Count == 0;
        }
    }

    /// <summary>What memory knows of the alert (queued, a duplicate row, or an outcome decided here), or null: look up its record.</summary>
    public DispatchOutcome? FromMemory(Alert alert)
    {
        ForgetWritten();
        if (_accepted.TryGetValue(alert.AlertId, out var firstLine)) return Known(firstLine, alert, DispatchOutcome.Queued);
        if (_retrying.TryGetValue(alert.AlertId, out var backoff)) return Known(backoff.Alert.Line, alert, DispatchOutcome.Queued);
        return _decided.TryGetValue(alert.AlertId, out var record) ? FromRecord(alert, record) : null;
    }

    /// <summary>What the alert is, given its record (null: none); a new alert is queued, one backing off is taken over.</summary>
    public DispatchOutcome FromRecord(Alert alert, DeliveryRecord? record)
    {
        switch (record?.Status)
        {
            case null:
                return Accept(alert);
            case DeliveryStatus.Delivered:
                return Known(record.Line, alert, DispatchOutcome.Delivered);
            case DeliveryStatus.DeadLettered:
                return alert.Round > record.Round ? Accept(alert) : Known(record.Line, alert, DispatchOutcome.DeadLettered);
            default:
                if (record.Line != alert.Line) return DispatchOutcome.DuplicateRow;
                if (record.InFlight) AlertsMetrics.UncertainResends.Add(1);
                _retrying[alert.AlertId] = new Backoff(alert, record.InFlight ? record with { InFlight = false, NextAttemptAt = time.GetUtcNow() } : record);
                Hold(alert.AlertId);
                Taken++;
                return DispatchOutcome.Queued;
        }
    }

    /// <summary>The outcome decided here for the alert, while memory holds it.</summary>
    public DeliveryRecord? Decided(string alertId) => _decided.GetValueOrDefault(alertId);

    /// <summary>A lookup of records starts: stored outcomes are kept in memory until it ends.</summary>
    public void LookupStarted() => _lookups++;

    public void LookupEnded()
    {
        _lookups--;
        ForgetWritten();
    }

    /// <summary>Takes the oldest alert due, with when it was queued and its last record (null for a first attempt).</summary>
    public bool TryTakeDue(out Alert alert, out long queuedAt, out DeliveryRecord? previous)
    {
        if (!_urgent.TryDequeue(out var due) && !_due.TryDequeue(out due))
        {
            (alert, queuedAt, previous) = (null!, 0, null);
            return false;
        }
        (alert, queuedAt) = due;
        previous = _retrying.GetValueOrDefault(alert.AlertId)?.Record;
        return true;
    }

    /// <summary>An alert taken whose file is paused: set aside, still this user's, until <see cref="Unpark"/>.</summary>
    public void Park(Alert alert, long queuedAt) => _parked.Add((alert, queuedAt, time.GetUtcNow()));

    /// <summary>The file of the first alert set aside; null when none is.</summary>
    public string? FirstParkedFile => _parked.Count > 0 ? _parked[0].Alert.FileId : null;

    /// <summary>
    /// Queues again the alerts set aside whose files are no longer paused, with their age; the time aside is not held
    /// against the give-up horizon of one backing off. Returns how many.
    /// </summary>
    public int Unpark(Func<string, bool> filePaused)
    {
        var now = time.GetUtcNow();
        return _parked.RemoveAll(parked =>
        {
            var (alert, queuedAt, parkedAt) = parked;
            if (filePaused(alert.FileId)) return false;
            if (_retrying.TryGetValue(alert.AlertId, out var backoff) && backoff.Record.FirstAttemptAt is { } first)
                _retrying[alert.AlertId] = backoff with { Record = backoff.Record with { FirstAttemptAt = first + (now - parkedAt) } };
            Enqueue(alert, queuedAt);
            return true;
        });
    }

    /// <summary>Gives up the alerts set aside whose files were cancelled: they are never sent. Returns how many.</summary>
    public int DropParked(Func<string, bool> fileCancelled)
    {
        return _parked.RemoveAll(parked =>
        {
            if (!fileCancelled(parked.Alert.FileId)) return false;
            HandBack(parked.Alert);
            return true;
        });
    }

    /// <summary>The attempt came back (or failed to be made): the alert is no longer queued.</summary>
    public void Attempted(Alert alert) => _accepted.Remove(alert.AlertId);

    /// <summary>No attempt could be made and none was recorded: the file, which still holds it, dispatches it again.</summary>
    public void NotAttempted(Alert alert)
    {
        _accepted.Remove(alert.AlertId);
        if (!_retrying.ContainsKey(alert.AlertId)) Release(alert.AlertId);
    }

    /// <summary>The attempt failed and the alert backs off until the record's next attempt.</summary>
    public void BackedOff(Alert alert, DeliveryRecord record) => _retrying[alert.AlertId] = new Backoff(alert, record);

    /// <summary>Delivered or dead: memory answers for it until <see cref="Written"/> says it is stored.</summary>
    public void Settled(Alert alert, DeliveryRecord record)
    {
        _retrying.Remove(alert.AlertId);
        Release(alert.AlertId);
        _decided[alert.AlertId] = record;
        ForgetWritten();
    }

    /// <summary>An outcome was stored; thread-safe.</summary>
    public void Written(DeliveryRecord record) => _written.Push(record);

    /// <summary>Gives up the alert (its file dispatches it again, to this user's next activation); its record keeps its attempts.</summary>
    public void HandBack(Alert alert)
    {
        _accepted.Remove(alert.AlertId);
        _retrying.Remove(alert.AlertId);
        Release(alert.AlertId);
    }

    /// <summary>The queued alerts never sent, given up.</summary>
    public List<Alert> HandBackUnsent()
    {
        var unsent = new List<Alert>(DueCount + _parked.Count);
        foreach (var alert in _urgent.Concat(_due).Select(d => d.Alert).Concat(_parked.Select(p => p.Alert)))
        {
            HandBack(alert);
            unsent.Add(alert);
        }
        _urgent.Clear();
        _due.Clear();
        _parked.Clear();
        return unsent;
    }

    /// <summary>Every alert backing off, given up (on deactivation: their records say when they are due).</summary>
    public List<Alert> HandBackBackoffs()
    {
        var backoffs = _retrying.Values.Select(b => b.Alert).ToList();
        foreach (var alert in backoffs) HandBack(alert);
        return backoffs;
    }

    /// <summary>Stops counting what is still held (the grain is gone).</summary>
    public void Clear()
    {
        holding(-_held.Count);
        _held.Clear();
    }

    /// <summary>When the earliest back-off not already queued is due; null when none is.</summary>
    public DateTimeOffset? NextWake() => _retrying.Values.Where(b => !_accepted.ContainsKey(b.Alert.AlertId)).Select(DueAt).Min();

    public bool AnyBackingOff => _retrying.Count > 0;

    /// <summary>Queues the back-offs due by now; returns how many.</summary>
    public int QueueDueBackoffs()
    {
        var now = time.GetUtcNow();
        var queued = 0;
        foreach (var backoff in _retrying.Values.Where(b => DueAt(b) <= now && !_accepted.ContainsKey(b.Alert.AlertId)).ToList())
        {
            _accepted[backoff.Alert.AlertId] = backoff.Alert.Line;
            Enqueue(backoff.Alert, time.GetTimestamp());
            queued++;
        }
        return queued;
    }

    /// <summary>Records memory holds that the store may not have yet: outcomes decided here and back-offs.</summary>
    public IEnumerable<DeliveryRecord> Unstored() => _decided.Values.Concat(_retrying.Values.Select(b => b.Record));

    private DispatchOutcome Accept(Alert alert)
    {
        _decided.Remove(alert.AlertId);
        _accepted[alert.AlertId] = alert.Line;
        Hold(alert.AlertId);
        Enqueue(alert, time.GetTimestamp());
        Taken++;
        return DispatchOutcome.Queued;
    }

    private void Enqueue(Alert alert, long queuedAt) => (urgentFile?.Invoke(alert.FileId) == true ? _urgent : _due).Enqueue((alert, queuedAt));

    // The same alert from another line of the file is a duplicate row, whatever became of the first.
    private static DispatchOutcome Known(long firstLine, Alert alert, DispatchOutcome outcome) =>
        firstLine == alert.Line ? outcome : DispatchOutcome.DuplicateRow;

    private DateTimeOffset? DueAt(Backoff backoff) => backoff.Record.NextAttemptAt is { } until ? recovery.DueAt(backoff.Record.At, until) : null;

    private void ForgetWritten()
    {
        if (_lookups > 0) return;
        while (_written.TryPop(out var written))
            if (_decided.GetValueOrDefault(written.AlertId) == written) _decided.Remove(written.AlertId);
    }

    private void Hold(string alertId)
    {
        if (_held.Add(alertId)) holding(1);
    }

    private void Release(string alertId)
    {
        if (_held.Remove(alertId)) holding(-1);
    }

    /// <summary>An alert between attempts, and its last record (attempts, first attempt, when it is due).</summary>
    private sealed record Backoff(Alert Alert, DeliveryRecord Record);
}
