using Alerts.Grains.Interfaces.Model;
using Alerts.Grains.Notifications;
using Alerts.Grains.RateLimiting;
using Microsoft.Extensions.Time.Testing;

namespace Alerts.Tests.Notifications;

/// <summary>One user's delivery rules, state by state, on a fake clock.</summary>
public sealed class UserDeliveriesTests
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.Parse("2026-12-06T12:00:00Z"));
    private readonly WebhookRecovery _recovery = new();
    private readonly UserDeliveries _user;
    private int _held;

    public UserDeliveriesTests() => _user = new UserDeliveries(_clock, _recovery, delta => _held += delta);

    [Fact]
    public void A_new_alert_is_queued_once_and_the_same_alert_from_another_line_is_a_duplicate_row()
    {
        var alert = Alert("a1", line: 2);

        var first = _user.FromMemory(alert) ?? _user.FromRecord(alert, record: null);
        var again = _user.FromMemory(alert);
        var otherLine = _user.FromMemory(alert with { Line = 9 });

        Assert.Equal((DispatchOutcome.Queued, DispatchOutcome.Queued, DispatchOutcome.DuplicateRow), (first, again, otherLine));
        Assert.Equal((1, 1), (_user.DueCount, _held));
    }

    [Fact]
    public void An_alert_memory_does_not_know_is_looked_up()
    {
        Assert.Null(_user.FromMemory(Alert("a1")));
    }

    [Fact]
    public void A_delivered_record_is_final_and_a_dead_letter_is_final_within_its_round()
    {
        var delivered = _user.FromRecord(Alert("a1"), Record("a1", DeliveryStatus.Delivered));
        var dead = _user.FromRecord(Alert("a2"), Record("a2", DeliveryStatus.DeadLettered));
        var deadRetried = _user.FromRecord(Alert("a3") with { Round = 1 }, Record("a3", DeliveryStatus.DeadLettered));
        var deliveredElsewhere = _user.FromRecord(Alert("a4", line: 5), Record("a4", DeliveryStatus.Delivered));

        Assert.Equal(DispatchOutcome.Delivered, delivered);
        Assert.Equal(DispatchOutcome.DeadLettered, dead);
        Assert.Equal(DispatchOutcome.Queued, deadRetried); // a newer round starts afresh
        Assert.Equal(DispatchOutcome.DuplicateRow, deliveredElsewhere); // the record is another line's
        Assert.Equal(1, _user.DueCount);
    }

    [Fact]
    public void An_alert_backing_off_is_taken_over_with_its_attempts_and_due_at_its_time()
    {
        var alert = Alert("a1");
        var backoff = Record("a1", DeliveryStatus.Retrying) with { Attempts = 3, NextAttemptAt = _clock.GetUtcNow().AddSeconds(10) };

        var outcome = _user.FromRecord(alert, backoff);
        var queuedEarly = _user.QueueDueBackoffs();
        _clock.Advance(TimeSpan.FromSeconds(10));
        var queuedOnTime = _user.QueueDueBackoffs();

        Assert.Equal(DispatchOutcome.Queued, outcome);
        Assert.Equal((0, 1), (queuedEarly, queuedOnTime));
        Assert.True(_user.TryTakeDue(out var taken, out _, out var previous));
        Assert.Equal((alert, 3), (taken, previous!.Attempts));
        Assert.Equal(DispatchOutcome.Queued, _user.FromMemory(alert)); // still this user's while it is tried
    }

    [Fact]
    public void An_alert_found_in_flight_is_due_now()
    {
        var inFlight = Record("a1", DeliveryStatus.Retrying) with { InFlight = true, Attempts = 1, NextAttemptAt = null };

        _user.FromRecord(Alert("a1"), inFlight);

        Assert.Equal(_clock.GetUtcNow(), _user.NextWake());
        Assert.Equal(1, _user.QueueDueBackoffs());
    }

    [Fact]
    public void A_back_off_is_due_as_soon_as_the_webhook_comes_back_from_an_outage()
    {
        var alert = Attempted("a1");
        _user.BackedOff(alert, Record("a1", DeliveryStatus.Retrying) with { Attempts = 1, NextAttemptAt = _clock.GetUtcNow().AddMinutes(10) });
        var before = _user.NextWake();

        _clock.Advance(TimeSpan.FromSeconds(30));
        _recovery.Back(_clock.GetUtcNow());

        Assert.Equal(_clock.GetUtcNow().AddMinutes(9.5), before); // its own time, as it stood
        Assert.Equal(_clock.GetUtcNow(), _user.NextWake());
        Assert.Equal(1, _user.QueueDueBackoffs());
    }

    [Fact]
    public void An_outcome_decided_here_answers_until_it_is_stored_and_no_lookup_is_out()
    {
        var alert = Attempted("a1");
        var delivered = Record("a1", DeliveryStatus.Delivered);
        _user.Settled(alert, delivered);
        _user.LookupStarted(); // a lookup out may have read the store before the write

        _user.Written(delivered);
        var whileLookingUp = _user.FromMemory(alert);
        _user.LookupEnded();
        var afterwards = _user.FromMemory(alert);

        Assert.Equal(DispatchOutcome.Delivered, whileLookingUp);
        Assert.Null(afterwards); // stored: the record answers now
        Assert.Equal(0, _held);
    }

    [Fact]
    public void A_user_is_idle_only_once_its_alert_is_settled_stored_and_no_lookup_is_out()
    {
        var fresh = _user.Idle;
        var alert = Alert("a1");
        _user.FromRecord(alert, record: null);
        var queued = _user.Idle;
        _user.TryTakeDue(out _, out _, out _);
        _user.Attempted(alert);
        var inFlight = _user.Idle;
        var delivered = Record("a1", DeliveryStatus.Delivered);
        _user.Settled(alert, delivered);
        var unstored = _user.Idle;
        _user.LookupStarted();
        _user.Written(delivered);
        var lookingUp = _user.Idle;
        _user.LookupEnded();

        Assert.Equal((true, false, false, false, false), (fresh, queued, inFlight, unstored, lookingUp));
        Assert.True(_user.Idle);
        Assert.Equal(1, _user.Taken);
    }

    [Fact]
    public void Alerts_taken_on_count_new_and_taken_over_ones_not_those_a_record_settles()
    {
        _user.FromRecord(Alert("a1"), record: null);
        _user.FromRecord(Alert("a2"), Record("a2", DeliveryStatus.Retrying));
        _user.FromRecord(Alert("a3"), Record("a3", DeliveryStatus.Delivered));
        _user.FromMemory(Alert("a1")); // the same alert again

        Assert.Equal(2, _user.Taken);
    }

    [Fact]
    public void Handing_back_gives_up_what_was_queued_or_backing_off_and_stops_counting_it()
    {
        _user.FromRecord(Alert("a1"), record: null);
        _user.FromRecord(Alert("a2"), Record("a2", DeliveryStatus.Retrying) with { NextAttemptAt = _clock.GetUtcNow().AddMinutes(1) });

        var unsent = _user.HandBackUnsent();
        var backoffs = _user.HandBackBackoffs();

        Assert.Equal(["a1"], unsent.Select(a => a.AlertId));
        Assert.Equal(["a2"], backoffs.Select(a => a.AlertId));
        Assert.Equal((0, 0, false), (_user.DueCount, _held, _user.AnyBackingOff));
        Assert.Null(_user.FromMemory(Alert("a1"))); // the next dispatch looks it up afresh
    }

    [Fact]
    public void An_attempt_that_could_not_be_made_leaves_the_alert_to_its_file()
    {
        var alert = Alert("a1");
        _user.FromRecord(alert, record: null);
        _user.TryTakeDue(out _, out _, out _);

        _user.NotAttempted(alert);

        Assert.Equal(0, _held);
        Assert.Null(_user.FromMemory(alert));
    }

    [Fact]
    public void An_alert_of_a_paused_file_is_set_aside_until_its_file_is_resumed_and_keeps_its_age()
    {
        _user.FromRecord(Alert("a1"), record: null);
        _user.TryTakeDue(out var alert, out var queuedAt, out _);
        var paused = new HashSet<string> { "f" };

        _user.Park(alert, queuedAt);
        var whilePaused = _user.Unpark(paused.Contains);
        var known = _user.FromMemory(alert);
        paused.Clear();
        var resumed = _user.Unpark(paused.Contains);

        Assert.Equal((0, DispatchOutcome.Queued, 1), (whilePaused, known, resumed)); // still the user's while aside
        Assert.True(_user.TryTakeDue(out var again, out var againQueuedAt, out _));
        Assert.Equal((alert, queuedAt), (again, againQueuedAt));
        Assert.Null(_user.FirstParkedFile);
    }

    [Fact]
    public void Alerts_set_aside_are_handed_back_with_the_queued_ones()
    {
        _user.FromRecord(Alert("a1"), record: null);
        _user.FromRecord(Alert("a2"), record: null);
        _user.TryTakeDue(out var first, out var queuedAt, out _);
        _user.Park(first, queuedAt);

        var unsent = _user.HandBackUnsent();

        Assert.Equal(["a1", "a2"], unsent.Select(a => a.AlertId).Order());
        Assert.Equal((0, 0, null), (_held, _user.DueCount, _user.FirstParkedFile));
    }

    [Fact]
    public void The_oldest_queued_alert_is_tried_first()
    {
        _user.FromRecord(Alert("a1"), record: null);
        _clock.Advance(TimeSpan.FromMilliseconds(5));
        _user.FromRecord(Alert("a2"), record: null);

        Assert.True(_user.TryTakeDue(out var first, out var firstQueuedAt, out _));
        Assert.True(_user.TryTakeDue(out var second, out var secondQueuedAt, out _));
        Assert.False(_user.TryTakeDue(out _, out _, out _));
        Assert.Equal(("a1", "a2"), (first.AlertId, second.AlertId));
        Assert.True(firstQueuedAt < secondQueuedAt);
    }

    [Fact]
    public void An_urgent_files_alerts_are_taken_before_older_ones_of_other_files_and_oldest_first_among_them()
    {
        var user = new UserDeliveries(_clock, _recovery, _ => { }, fileId => fileId == "urgent");
        user.FromRecord(Alert("n1"), record: null);
        user.FromRecord(Alert("u1") with { FileId = "urgent" }, record: null);
        user.FromRecord(Alert("n2"), record: null);
        user.FromRecord(Alert("u2") with { FileId = "urgent" }, record: null);

        var order = new List<string>();
        while (user.TryTakeDue(out var alert, out _, out _)) order.Add(alert.AlertId);

        Assert.Equal(["u1", "u2", "n1", "n2"], order);
    }

    [Fact]
    public void Alerts_set_aside_for_a_cancelled_file_are_dropped_and_no_longer_counted_while_others_stay_aside()
    {
        _user.FromRecord(Alert("a1"), record: null);
        _user.FromRecord(Alert("b1") with { FileId = "g" }, record: null);
        _user.TryTakeDue(out var first, out var firstQueuedAt, out _);
        _user.TryTakeDue(out var second, out var secondQueuedAt, out _);
        _user.Park(first, firstQueuedAt);
        _user.Park(second, secondQueuedAt);

        var dropped = _user.DropParked(fileId => fileId == "f");
        var stillAside = _user.FirstParkedFile;

        Assert.Equal((1, "g", 1), (dropped, stillAside, _held));
        Assert.Null(_user.FromMemory(first)); // forgotten: a dispatch again would look up its record
        Assert.Equal(1, _user.Unpark(_ => false));
    }

    // A new alert, queued, taken and tried: what comes of the attempt is the test's.
    private Alert Attempted(string id)
    {
        var alert = Alert(id);
        _user.FromRecord(alert, record: null);
        _user.TryTakeDue(out _, out _, out _);
        _user.Attempted(alert);
        return alert;
    }

    private static Alert Alert(string id, long line = 2) => new() { AlertId = id, FileId = "f", Line = line, UserId = "u", Message = "hi" };

    private DeliveryRecord Record(string id, DeliveryStatus status) => new()
    {
        AlertId = id,
        FileId = "f",
        UserId = "u",
        Line = 2,
        At = _clock.GetUtcNow(),
        Attempts = 1,
        Delivered = status == DeliveryStatus.Delivered,
        NextAttemptAt = status == DeliveryStatus.Retrying ? _clock.GetUtcNow().AddSeconds(1) : null,
        HttpStatus = status == DeliveryStatus.Delivered ? 200 : 503,
    };
}
