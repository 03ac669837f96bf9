using Alerts.Grains.Files;

namespace Alerts.Tests.Files;

public sealed class RecentRateTests
{
    private static readonly DateTimeOffset Start = DateTimeOffset.Parse("2026-12-06T12:00:00Z");

    [Fact]
    public void The_rate_is_that_of_the_last_ten_seconds_not_of_the_whole_file()
    {
        var rate = new RecentRate();
        // A slow minute (10/s), then 90/s for twenty seconds: the average since the start would say 30/s.
        for (var s = 0; s <= 60; s++) rate.Add(Start.AddSeconds(s), 10 * s);
        for (var s = 1; s <= 20; s++) rate.Add(Start.AddSeconds(60 + s), 600 + 90 * s);

        Assert.Equal(90, rate.PerSecond(Start.AddSeconds(80)));
    }

    [Fact]
    public void Until_two_seconds_of_samples_there_is_no_rate_to_trust()
    {
        var rate = new RecentRate();
        var none = rate.PerSecond(Start);
        rate.Add(Start, 0);
        rate.Add(Start.AddSeconds(1), 50);
        var oneSecond = rate.PerSecond(Start.AddSeconds(1));
        rate.Add(Start.AddSeconds(2), 100);

        Assert.Null(none);
        Assert.Null(oneSecond);
        Assert.Equal(50, rate.PerSecond(Start.AddSeconds(2)));
    }

    [Fact]
    public void A_stall_shows_as_a_falling_rate_and_stale_samples_as_none()
    {
        var rate = new RecentRate();
        for (var s = 0; s <= 10; s++) rate.Add(Start.AddSeconds(s), 100 * s);
        for (var s = 11; s <= 20; s++) rate.Add(Start.AddSeconds(s), 1_000); // nothing settles

        Assert.Equal(0, rate.PerSecond(Start.AddSeconds(20)));
        Assert.Null(rate.PerSecond(Start.AddSeconds(40))); // nobody sampled for longer than the window
    }
}
