using Alerts.Grains.RateLimiting;

namespace Alerts.Tests.RateLimiting;

/// <summary>How a lease's permits go out over its period.</summary>
public sealed class LeasePacingTests
{
    private static readonly TimeSpan Period = TimeSpan.FromMilliseconds(200);
    private const int Plenty = 1_000;

    [Fact]
    public void Permits_go_out_evenly_over_the_period_and_all_by_its_end()
    {
        var pacing = new LeasePacing(100, Period);

        var quarter = pacing.Due(Period / 4, Plenty);
        var half = pacing.Due(Period / 2, Plenty);
        var end = pacing.Due(Period, Plenty);
        var after = pacing.Due(Period * 2, Plenty);

        Assert.Equal((25, 25, 50, 0), (quarter.Release, half.Release, end.Release, after.Release));
        Assert.Equal(0, pacing.Unreleased);
    }

    [Fact]
    public void An_early_grant_goes_out_over_what_is_left_of_the_period_not_at_once()
    {
        var pacing = new LeasePacing(100, Period);
        pacing.Due(Period / 2, Plenty);

        pacing.Add(100);
        var threeQuarters = pacing.Due(Period * 3 / 4, Plenty);

        Assert.Equal(75, threeQuarters.Release); // half of the 150 left, in half of the time left
        Assert.Equal(200 / Period.TotalSeconds, pacing.Rate);
    }

    [Fact]
    public void What_has_no_room_is_dropped_not_carried()
    {
        var pacing = new LeasePacing(100, Period);

        var crowded = pacing.Due(Period / 2, room: 10);
        var free = pacing.Due(Period, Plenty);

        Assert.Equal((10, 40), crowded);
        Assert.Equal((50, 0), free); // the 40 dropped do not come back as a burst
    }

    [Fact]
    public void Room_is_the_waiting_attempts_and_an_eighth_of_slack_within_what_may_be_out()
    {
        var pacing = new LeasePacing(80, Period);

        Assert.Equal(10, pacing.Room(waiting: 0, available: 0, inFlightRoom: Plenty)); // the slack: an eighth
        Assert.Equal(25, pacing.Room(waiting: 20, available: 5, inFlightRoom: Plenty));
        Assert.Equal(3, pacing.Room(waiting: 20, available: 5, inFlightRoom: 8)); // a receiver that does not answer
        Assert.Equal(1, new LeasePacing(2, Period).Room(0, 0, Plenty)); // at least one
    }

    [Fact]
    public void A_lease_ended_early_by_a_pause_leaves_its_unreleased_permits()
    {
        var pacing = new LeasePacing(100, Period);

        pacing.Due(Period / 4, Plenty);

        Assert.Equal(75, pacing.Unreleased);
    }
}
