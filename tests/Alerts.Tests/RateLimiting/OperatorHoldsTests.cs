using Alerts.Grains.Interfaces.Model;
using Alerts.Grains.RateLimiting;

namespace Alerts.Tests.RateLimiting;

/// <summary>What an operator said, as a silo hears it: newest news only, and waits that end on a resume or a cancel.</summary>
public sealed class OperatorHoldsTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly OperatorHolds _holds = new();

    [Fact]
    public void News_older_than_what_was_heard_changes_nothing_and_a_version_of_0_says_nothing()
    {
        var paused = _holds.Hear(new DeliveryHolds(true, ["f"], 5) { Urgent = ["u"] });
        var older = _holds.Hear(new DeliveryHolds(false, [], 4));
        var nothing = _holds.Hear(new DeliveryHolds(false, [], 0));

        Assert.Equal((true, false, false), (paused, older, nothing));
        Assert.True(_holds.AllPaused);
        Assert.True(_holds.IsHeld("f"));
        Assert.True(_holds.IsUrgent("u"));
        Assert.False(_holds.IsHeld("u"));
    }

    [Fact]
    public void A_cancelled_file_is_held_for_good_and_cancelled()
    {
        _holds.Hear(new DeliveryHolds(false, [], 1) { Cancelled = ["c"] });

        Assert.Equal((true, true, false), (_holds.IsHeld("c"), _holds.IsCancelled("c"), _holds.AllPaused));
    }

    [Fact]
    public async Task A_wait_on_a_held_file_ends_when_it_is_released_or_cancelled_and_not_before()
    {
        _holds.Hear(new DeliveryHolds(false, ["a", "b"], 1));
        var firstWaiting = 0;
        var released = _holds.WhileHeldAsync("a", () => firstWaiting++).AsTask();
        var cancelled = _holds.WhileHeldAsync("b", () => firstWaiting++).AsTask();
        var notHeld = _holds.WhileHeldAsync("z", () => firstWaiting++);

        _holds.Hear(new DeliveryHolds(false, ["b"], 2)); // a released
        await released.WaitAsync(Patience);
        var bStillWaits = !cancelled.IsCompleted;
        _holds.Hear(new DeliveryHolds(false, [], 3) { Cancelled = ["b"] });
        await cancelled.WaitAsync(Patience);

        Assert.True(notHeld.IsCompleted);
        Assert.True(bStillWaits);
        Assert.Equal(1, firstWaiting); // told once, when the first began to wait
        Assert.False(_holds.AnyWaiting);
    }
}
