using Alerts.Grains.RateLimiting;

namespace Alerts.Tests.RateLimiting;

public sealed class InFlightLimitTests
{
    [Fact]
    public void Before_any_answer_only_the_floor_may_be_out()
    {
        var limit = new InFlightLimit();
        for (var i = 0; i < InFlightLimit.Floor - 1; i++) limit.Sent();

        var roomBefore = limit.Room(1_000);
        limit.Sent();

        Assert.Equal(1, roomBefore);
        Assert.Equal(0, limit.Room(1_000)); // a receiver that has not answered yet is sent no more, whatever the rate
    }

    [Fact]
    public void Leaves_room_for_twice_what_the_latency_needs_at_the_rate()
    {
        var limit = new InFlightLimit();
        limit.Sent();
        limit.Answered(TimeSpan.FromMilliseconds(50));

        // 500/s answered in 50 ms: 25 out at a time; twice that, over the floor.
        Assert.Equal(InFlightLimit.Floor + 50, limit.Limit(500));
        Assert.Equal(InFlightLimit.Floor, limit.Limit(0));
    }

    [Fact]
    public void Follows_the_latency_smoothly_rather_than_the_last_answer()
    {
        var limit = new InFlightLimit();
        limit.Sent();
        limit.Answered(TimeSpan.FromMilliseconds(10));
        limit.Sent();
        limit.Answered(TimeSpan.FromMilliseconds(1_010)); // one slow answer moves it a tenth of the way

        Assert.Equal(TimeSpan.FromMilliseconds(110), limit.Latency);
    }

    [Fact]
    public void A_permit_not_spent_is_out_no_more()
    {
        var limit = new InFlightLimit();
        limit.Sent();
        limit.Sent();
        limit.NotSent();

        Assert.Equal(1, limit.InFlight);
        Assert.Equal(TimeSpan.Zero, limit.Latency); // it says nothing of the receiver
    }
}
