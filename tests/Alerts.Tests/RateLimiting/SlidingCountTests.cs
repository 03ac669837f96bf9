using Alerts.Grains.RateLimiting;
using Microsoft.Extensions.Time.Testing;

namespace Alerts.Tests.RateLimiting;

public sealed class SlidingCountTests
{
    [Fact]
    public void Counts_the_last_second_and_forgets_what_is_older()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-28T12:00:00Z"));
        var count = new SlidingCount(clock);

        for (var i = 0; i < 10; i++)
        {
            clock.Advance(TimeSpan.FromMilliseconds(100));
            count.Add();
        }
        var afterOneSecond = count.LastSecond();
        clock.Advance(TimeSpan.FromMilliseconds(500));
        var halfForgotten = count.LastSecond();
        clock.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal(10, afterOneSecond);
        Assert.Equal(5, halfForgotten);
        Assert.Equal(0, count.LastSecond());
    }
}
