using Alerts.Grains.Hosting;
using Alerts.Grains.Interfaces.Model;
using Alerts.Grains.RateLimiting;
using Microsoft.Extensions.Time.Testing;

namespace Alerts.Tests.RateLimiting;

/// <summary>The limiter's lease arithmetic and AIMD on a fake clock.</summary>
public sealed class RateBudgetTests
{
    private static readonly TimeSpan Period = TimeSpan.FromMilliseconds(200);
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.Parse("2026-11-28T12:00:00Z"));

    [Fact]
    public void A_busy_silo_is_granted_the_rate_and_no_more_than_it_wants()
    {
        var budget = Budget(1_000);

        var first = Lease(budget, "a");
        _clock.Advance(Period);
        var modest = Lease(budget, "a", wanted: 50);
        var total = LeaseEvery(budget, Period, TimeSpan.FromSeconds(10), "a");

        Assert.Equal(200, first.Permits); // a lease period's worth, not the whole burst
        Assert.Equal(50, modest.Permits);
        Assert.InRange(total, 9_900, 10_200);
    }

    [Fact]
    public void A_rate_that_is_not_whole_permits_per_lease_is_granted_exactly_never_rounded_up()
    {
        var budget = Budget(95); // 19.475 permits per 205 ms lease

        var total = LeaseEvery(budget, TimeSpan.FromMilliseconds(205), TimeSpan.FromSeconds(20.5), "a"); // 100 leases

        var owed = 95 * (0.2 + 99 * 0.205); // a first lease is one period's worth
        Assert.InRange(total, owed - 1, owed); // rounding each lease up to 20 would have granted 1,999
    }

    [Fact]
    public void A_late_lease_makes_up_at_most_a_tenth_of_a_period()
    {
        var budget = Budget(1_000);
        Lease(budget, "a");

        _clock.Advance(3 * Period); // the silo stalled for two periods
        var late = Lease(budget, "a");

        Assert.Equal(220, late.Permits); // 1.1 periods' worth, not 600: the receiver would see it on top of its next second
    }

    [Fact]
    public void Grants_never_exceed_the_rate_over_time_plus_the_burst_however_silos_ask()
    {
        var budget = Budget(2_000);
        var random = new Random(7);
        var granted = new List<(TimeSpan At, int Permits)>();
        var start = _clock.GetUtcNow();

        for (var i = 0; i < 2_000; i++)
        {
            _clock.Advance(TimeSpan.FromMilliseconds(random.Next(0, 30)));
            granted.Add((_clock.GetUtcNow() - start, Lease(budget, random.Next(3) switch { 0 => "a", 1 => "b", _ => "c" }).Permits));
        }

        foreach (var (at, _) in granted)
        {
            var inWindow = granted.Where(g => g.At >= at && g.At < at + TimeSpan.FromSeconds(1)).Sum(g => g.Permits);
            Assert.True(inWindow <= 2_000 + 600, $"{inWindow} permits in the second from {at}"); // rate + burst (1.5 lease periods)
        }
    }

    [Fact]
    public void Busy_silos_share_evenly_and_an_idle_silo_leaves_its_share_to_the_others()
    {
        var budget = Budget(1_000);
        long a = 0, b = 0, alone = 0;

        for (var i = 0; i < 50; i++)
        {
            _clock.Advance(Period);
            a += Lease(budget, "a").Permits;
            b += Lease(budget, "b").Permits;
        }
        _clock.Advance(TimeSpan.FromSeconds(2)); // b goes quiet
        for (var i = 0; i < 50; i++)
        {
            _clock.Advance(Period);
            alone += Lease(budget, "a").Permits;
        }

        Assert.InRange(a, 4_900, 5_100);
        Assert.InRange(b, 4_900, 5_100);
        Assert.InRange(alone, 9_800, 10_200);
    }

    [Fact]
    public void A_429_cuts_the_rate_under_what_the_receiver_accepted_and_pauses_for_Retry_After()
    {
        var budget = Budget(2_000);
        LeaseEvery(budget, Period, TimeSpan.FromSeconds(1), "a", answeredPerLease: 200); // the receiver took 1,000 a second

        var throttled = Lease(budget, "a", throttled: 3, retryAfter: TimeSpan.FromSeconds(1));
        _clock.Advance(TimeSpan.FromMilliseconds(500));
        var paused = Lease(budget, "a");
        _clock.Advance(TimeSpan.FromMilliseconds(600));
        var resumed = LeaseEvery(budget, Period, TimeSpan.FromSeconds(1), "a");

        Assert.Equal(0, throttled.Permits);
        Assert.Equal(TimeSpan.FromSeconds(1), throttled.Pause);
        Assert.Equal((0, TimeSpan.FromMilliseconds(500)), (paused.Permits, paused.Pause));
        Assert.Equal(1_000, budget.Ceiling);
        Assert.InRange(budget.Rate, 900, 925); // 0.9 × 1,000, growing by 2 % of it a second
        Assert.InRange(resumed, 850, 1_050);
    }

    [Fact]
    public void A_429_while_the_receiver_took_all_we_sent_cuts_from_our_own_rate()
    {
        var budget = Budget(1_000);
        LeaseEvery(budget, Period, TimeSpan.FromSeconds(2), "a", answeredPerLease: 195); // 975 a second: all we sent

        Lease(budget, "a", throttled: 1);

        Assert.Equal(1_000, budget.Ceiling);
        Assert.Equal(900, budget.Rate, precision: 0);
    }

    [Fact]
    public void The_429s_of_one_burst_count_as_one_cut()
    {
        var budget = Budget(2_000);
        LeaseEvery(budget, Period, TimeSpan.FromSeconds(1), "a", answeredPerLease: 200);

        Lease(budget, "a", throttled: 5);
        _clock.Advance(TimeSpan.FromMilliseconds(100));
        Lease(budget, "b", throttled: 7);

        Assert.Equal(1, budget.Cuts);
        Assert.Equal(900, budget.Rate, precision: 0);
    }

    [Fact]
    public void Late_429s_after_the_pause_do_not_cut_again_on_an_empty_measurement()
    {
        var budget = Budget(2_000);
        LeaseEvery(budget, Period, TimeSpan.FromSeconds(1), "a", answeredPerLease: 200);
        Lease(budget, "a", throttled: 3, retryAfter: TimeSpan.FromSeconds(1));

        _clock.Advance(TimeSpan.FromMilliseconds(1_050));
        Lease(budget, "a", throttled: 8, retryAfter: TimeSpan.FromSeconds(1)); // sent before the cut, answered after the pause

        Assert.Equal(1, budget.Cuts);
        Assert.InRange(budget.Rate, 900, 905);
    }

    [Fact]
    public void A_429_soon_after_sending_starts_takes_what_was_accepted_so_far_as_the_limit()
    {
        var budget = Budget(2_000);
        LeaseEvery(budget, Period, TimeSpan.FromMilliseconds(400), "a", answeredPerLease: 200);

        Lease(budget, "a", throttled: 1, retryAfter: TimeSpan.FromSeconds(1));

        Assert.Equal(400, budget.Ceiling); // its one-second window held 400 when it refused
        Assert.Equal(360, budget.Rate, precision: 0);
    }

    [Fact]
    public void After_a_cut_the_rate_climbs_holds_under_the_measured_limit_then_probes_past_it()
    {
        var budget = Budget(2_000);
        LeaseEvery(budget, Period, TimeSpan.FromSeconds(1), "a", answeredPerLease: 200);
        Lease(budget, "a", throttled: 1, retryAfter: TimeSpan.FromSeconds(1));

        LeaseEvery(budget, Period, TimeSpan.FromSeconds(10), "a");
        var held = budget.Rate;
        LeaseEvery(budget, Period, TimeSpan.FromSeconds(25), "a");
        var probing = budget.Rate;

        Assert.Equal(970, held, precision: 0);
        Assert.Null(budget.Ceiling);
        Assert.True(probing > 1_000, $"rate {probing}");
    }

    private RateBudget Budget(double rate) =>
        new(new RateLimitOptions { PermitsPerSecond = rate, LeasePeriod = Period }, _clock.GetUtcNow());

    private LeaseGrant Lease(RateBudget budget, string silo, int wanted = int.MaxValue, int answered = 0, int throttled = 0, TimeSpan? retryAfter = null) =>
        budget.Lease(new LeaseRequest { SiloId = silo, Wanted = wanted, Answered = answered, Throttled = throttled, RetryAfter = retryAfter }, _clock.GetUtcNow());

    private long LeaseEvery(RateBudget budget, TimeSpan every, TimeSpan during, string silo, int answeredPerLease = 0)
    {
        long total = 0;
        for (var elapsed = TimeSpan.Zero; elapsed < during; elapsed += every)
        {
            _clock.Advance(every);
            total += Lease(budget, silo, answered: answeredPerLease).Permits;
        }
        return total;
    }
}
