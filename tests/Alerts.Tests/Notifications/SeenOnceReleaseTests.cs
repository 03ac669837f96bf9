using Alerts.Grains.Notifications;
using Microsoft.Extensions.Time.Testing;

namespace Alerts.Tests.Notifications;

/// <summary>The silo's one queue of looks at users seen once, on a fake clock and fake grain schedulers.</summary>
public sealed class SeenOnceReleaseTests
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.Parse("2026-12-08T12:00:00Z"));
    private readonly SeenOnceRelease _release;
    private readonly List<string> _looked = [];

    public SeenOnceReleaseTests() => _release = new SeenOnceRelease(_clock);

    [Fact]
    public void A_look_reaches_its_grain_one_linger_after_it_was_asked_for_and_not_before()
    {
        var grain = new RecordingScheduler();
        _release.LookAgainAfterLinger(grain, state => _looked.Add((string)state), "u1");

        _clock.Advance(SeenOnceRelease.Linger - TimeSpan.FromMilliseconds(1));
        var early = _release.HandOverDue();
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        var due = _release.HandOverDue();

        Assert.Equal((0, 1, 0), (early, due, _release.Waiting));
        Assert.Empty(_looked); // handed to the grain's scheduler, not run on the timer's thread
        grain.RunAll();
        Assert.Equal(["u1"], _looked);
    }

    [Fact]
    public void Looks_fall_due_in_the_order_asked_and_each_goes_to_its_own_grain()
    {
        var (first, second) = (new RecordingScheduler(), new RecordingScheduler());
        _release.LookAgainAfterLinger(first, state => _looked.Add((string)state), "u1");
        _clock.Advance(TimeSpan.FromSeconds(1));
        _release.LookAgainAfterLinger(second, state => _looked.Add((string)state), "u2");

        _clock.Advance(TimeSpan.FromSeconds(1));
        var firstDue = _release.HandOverDue();
        first.RunAll();
        second.RunAll();
        var afterFirst = _looked.ToList();
        _clock.Advance(TimeSpan.FromSeconds(1));
        var secondDue = _release.HandOverDue();
        second.RunAll();

        Assert.Equal((1, 1), (firstDue, secondDue));
        Assert.Equal(["u1"], afterFirst);
        Assert.Equal(["u1", "u2"], _looked);
        Assert.Equal((1, 1), (first.Queued, second.Queued));
    }

    [Fact]
    public void A_look_asked_again_from_a_look_waits_another_linger()
    {
        var grain = new RecordingScheduler();
        var looks = 0;
        void Look(object state)
        {
            if (++looks < 3) _release.LookAgainAfterLinger(grain, Look, state); // not idle yet: look again later
        }
        _release.LookAgainAfterLinger(grain, Look, "u1");

        for (var i = 0; i < 5; i++)
        {
            _clock.Advance(SeenOnceRelease.Linger);
            _release.HandOverDue();
            grain.RunAll();
        }

        Assert.Equal((3, 0), (looks, _release.Waiting));
    }

    /// <summary>A grain's scheduler that holds what it is given until the test runs it.</summary>
    private sealed class RecordingScheduler : IWorkItemScheduler
    {
        private readonly Queue<Action> _items = new();

        public int Queued { get; private set; }

        public void QueueAction(Action action) => Enqueue(action);

        public void QueueAction(Action<object> action, object state) => Enqueue(() => action(state));

        public void QueueTask(Task task) => throw new NotSupportedException();

        public void RunAll()
        {
            while (_items.TryDequeue(out var item)) item();
        }

        private void Enqueue(Action item)
        {
            Queued++;
            _items.Enqueue(item);
        }
    }
}
