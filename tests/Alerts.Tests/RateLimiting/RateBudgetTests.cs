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
        Lease(budget, "b", wanted: 0); // b goes idle, and says so
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
    public void A_silo_that_falls_silent_keeps_its_part_until_it_may_no_longer_be_spending_it_or_is_forgotten()
    {
        // b's calls stop getting through (its link to the limiter's silo is cut): it goes on at its last share for a while
        // on its own, so a must not be given b's part too, or the two together would pass the budget.
        var budget = Budget(1_000);
        for (var i = 0; i < 10; i++)
        {
            _clock.Advance(Period);
            Lease(budget, "a");
            Lease(budget, "b");
        }
        long whileSilent = 0, afterward = 0, forgotten = 0;
        for (var i = 0; i < 50; i++)
        {
            _clock.Advance(Period);
            whileSilent += Lease(budget, "a").Permits;
        }
        _clock.Advance(RateBudget.KeepSilentSilo);
        for (var i = 0; i < 10; i++)
        {
            _clock.Advance(Period);
            afterward += Lease(budget, "a").Permits;
        }
        Lease(budget, "b");
        budget.Forget("b"); // declared dead
        for (var i = 0; i < 10; i++)
        {
            _clock.Advance(Period);
            forgotten += Lease(budget, "a").Permits;
        }

        Assert.InRange(whileSilent, 4_900, 5_100); // half the budget for 10 s
        Assert.InRange(afterward, 1_900, 2_100); // the whole budget for 2 s
        Assert.InRange(forgotten, 1_900, 2_100);
        Assert.Equal(["a"], budget.Silos);
    }

    [Fact]
    public void A_silo_that_wants_nothing_leaves_the_split_at_once()
    {
        // A fenced silo (cut off from Redis, say) asks for nothing: the others need not wait a second for its share.
        var budget = Budget(1_000);
        for (var i = 0; i < 10; i++)
        {
            _clock.Advance(Period);
            Lease(budget, "a");
            Lease(budget, "b");
        }
        _clock.Advance(Period);
        var fenced = budget.Lease(new LeaseRequest { SiloId = "b", Wanted = 0 }, _clock.GetUtcNow());
        long alone = 0;
        for (var i = 0; i < 10; i++)
        {
            _clock.Advance(Period);
            alone += Lease(budget, "a").Permits;
        }

        Assert.Equal(0, fenced.Permits);
        Assert.InRange(alone, 1_900, 2_100); // the whole budget for 2 s, not half of it for the first second
    }

    [Fact]
    public void A_429_while_sending_near_our_rate_learns_the_limit_from_what_passed_and_pauses_for_Retry_After()
    {
        var budget = Budget(2_000);
        LeaseEvery(budget, Period, TimeSpan.FromSeconds(1), "a");

        var throttled = Lease(budget, "a", sent: 1_900, passed: 1_000, throttled: 3, retryAfter: TimeSpan.FromSeconds(1));
        _clock.Advance(TimeSpan.FromMilliseconds(500));
        var paused = Lease(budget, "a");
        _clock.Advance(TimeSpan.FromMilliseconds(600));
        var resumed = LeaseEvery(budget, Period, TimeSpan.FromSeconds(1), "a");

        Assert.Equal(0, throttled.Permits);
        Assert.Equal(TimeSpan.FromSeconds(1), throttled.Pause);
        Assert.Equal((0, TimeSpan.FromMilliseconds(500)), (paused.Permits, paused.Pause));
        Assert.Equal(1_000, budget.Ceiling);
        Assert.Equal(970, budget.Rate, precision: 0); // climbed back from 0.9 × 1,000 and held at 0.97 × it
        Assert.InRange(resumed, 850, 1_000);
    }

    [Fact]
    public void A_429_at_light_traffic_learns_no_limit_and_the_next_file_runs_at_the_full_budget_at_once()
    {
        var budget = Budget(200);
        LeaseEvery(budget, Period, TimeSpan.FromSeconds(1), "a", wanted: 10);

        Lease(budget, "a", sent: 30, passed: 29, throttled: 1, retryAfter: TimeSpan.FromSeconds(1));
        var cutTo = budget.Rate;
        _clock.Advance(TimeSpan.FromSeconds(5)); // the next file comes
        var nextFile = LeaseEvery(budget, Period, TimeSpan.FromSeconds(10), "a");

        Assert.Null(budget.Ceiling);
        Assert.Equal(180, cutTo, precision: 0);
        Assert.Equal(200, budget.Rate);
        Assert.InRange(nextFile, 0.95 * 2_000, 2_000 + 60); // the whole budget (plus the first lease's burst)
    }

    [Fact]
    public void The_rate_is_never_cut_below_the_floor()
    {
        var budget = Budget(1_000); // floor: a tenth

        for (var i = 0; i < 20; i++)
        {
            _clock.Advance(TimeSpan.FromSeconds(1.2));
            Lease(budget, "a", sent: 1_000, passed: 3, throttled: 1, retryAfter: TimeSpan.FromSeconds(1), sentAt: _clock.GetUtcNow());
        }

        Assert.Equal(20, budget.Cuts);
        Assert.Equal(100, budget.Floor);
        Assert.Equal(100, budget.Rate);
    }

    [Fact]
    public void The_429s_of_one_burst_count_as_one_cut_even_to_requests_sent_before_a_silo_heard_of_the_pause_and_a_429_after_it_as_another()
    {
        var budget = Budget(2_000);
        LeaseEvery(budget, Period, TimeSpan.FromSeconds(1), "a");
        var burstSentAt = _clock.GetUtcNow() - TimeSpan.FromMilliseconds(20);

        Lease(budget, "a", sent: 2_000, passed: 1_000, throttled: 5, sentAt: burstSentAt);
        _clock.Advance(TimeSpan.FromMilliseconds(100));
        Lease(budget, "b", sent: 300, passed: 0, throttled: 7, sentAt: burstSentAt);
        _clock.Advance(TimeSpan.FromMilliseconds(1_500)); // late news of the same burst, after the pause
        Lease(budget, "b", throttled: 2, sentAt: burstSentAt);
        Lease(budget, "b", throttled: 3, sentAt: burstSentAt + TimeSpan.FromMilliseconds(150)); // b sent on until its next lease told it
        var afterBurst = budget.Cuts;
        Lease(budget, "a", sent: 500, passed: 480, throttled: 1, sentAt: _clock.GetUtcNow()); // sent after the pause: news

        Assert.Equal(1, afterBurst);
        Assert.Equal(2, budget.Cuts);
    }

    [Fact]
    public void A_429_soon_after_a_pause_judges_our_rate_over_the_time_we_were_free_to_send()
    {
        var budget = Budget(1_000); // the receiver takes 400 in any second
        LeaseEvery(budget, Period, TimeSpan.FromMilliseconds(400), "a");
        Lease(budget, "a", sent: 401, passed: 400, throttled: 1, retryAfter: TimeSpan.FromSeconds(1), sentAt: _clock.GetUtcNow());
        var afterFirst = (budget.Rate, budget.Ceiling);

        _clock.Advance(TimeSpan.FromSeconds(1.45)); // paused 1 s, then sent 0.45 s at 900/s
        Lease(budget, "a", sent: 405, passed: 400, throttled: 1, retryAfter: TimeSpan.FromSeconds(1), sentAt: _clock.GetUtcNow());

        Assert.Equal((900, (double?)null), afterFirst); // 401 in a whole second: light, as far as one second shows
        Assert.Equal(400, budget.Ceiling);
        Assert.Equal(360, budget.Rate, precision: 0);
    }

    [Fact]
    public void Later_reports_from_other_silos_raise_the_learned_limit_to_their_sum()
    {
        var budget = Budget(1_000);
        LeaseEvery(budget, Period, TimeSpan.FromSeconds(1), "a");
        Lease(budget, "b");

        Lease(budget, "a", sent: 600, passed: 200, throttled: 1, sentAt: _clock.GetUtcNow());
        var fromOne = budget.Ceiling;
        _clock.Advance(TimeSpan.FromMilliseconds(150));
        Lease(budget, "b", sent: 600, passed: 210);

        Assert.Equal(200, fromOne);
        Assert.Equal(410, budget.Ceiling);
        Assert.Equal(369, budget.Rate, precision: 0);
    }

    [Fact]
    public void After_a_cut_the_rate_climbs_back_fast_holds_under_the_limit_then_probes_past_it()
    {
        var budget = Budget(2_000);
        LeaseEvery(budget, Period, TimeSpan.FromSeconds(1), "a");
        Lease(budget, "a", sent: 2_000, passed: 1_000, throttled: 1, retryAfter: TimeSpan.FromSeconds(1));

        _clock.Advance(TimeSpan.FromSeconds(1));
        LeaseEvery(budget, Period, TimeSpan.FromSeconds(1), "a");
        var soon = budget.Rate;
        LeaseEvery(budget, Period, TimeSpan.FromSeconds(12), "a");
        var held = budget.Rate;
        LeaseEvery(budget, Period, TimeSpan.FromSeconds(6), "a");
        var probing = budget.Rate;
        LeaseEvery(budget, Period, TimeSpan.FromSeconds(30), "a");

        Assert.Equal(970, soon, precision: 0);
        Assert.Equal(970, held, precision: 0);
        Assert.InRange(probing, 1_050, 1_400); // 5 % of the limit a second past it
        Assert.Null(budget.Ceiling);
        Assert.Equal(2_000, budget.Rate);
    }

    [Fact]
    public void A_limit_found_again_by_each_probe_is_probed_half_as_often_and_a_moved_one_soon()
    {
        var budget = Budget(2_000);
        LeaseEvery(budget, Period, TimeSpan.FromSeconds(1), "a");
        var gaps = new List<double>();
        var lastCut = _clock.GetUtcNow();
        for (var probe = 0; probe < 5; probe++)
        {
            var limit = probe == 4 ? 600 : 1_000; // the last probe finds the limit moved
            Lease(budget, "a", sent: 2_000, passed: limit, throttled: 1, retryAfter: TimeSpan.FromSeconds(1));
            gaps.Add(Math.Round((_clock.GetUtcNow() - lastCut).TotalSeconds));
            lastCut = _clock.GetUtcNow();
            _clock.Advance(TimeSpan.FromSeconds(1));
            while (budget.Rate < limit) { _clock.Advance(Period); Lease(budget, "a"); } // held under the limit until a probe passes it
        }

        Assert.Equal([0, 15, 30, 60, 120], gaps); // held 15 s, 30 s, 60 s, then at most 120 s (each plus 0.4 s of climb past the limit)
        Assert.InRange((_clock.GetUtcNow() - lastCut).TotalSeconds, 15, 20); // a limit that moved (1,000 → 600) is probed after 15 s again
    }

    [Fact]
    public void A_receiver_that_refuses_a_fifth_of_requests_at_any_rate_is_paused_for_twice_then_its_429s_pause_nobody_while_their_share_holds()
    {
        var budget = Budget(1_000);
        LeaseEvery(budget, Period, TimeSpan.FromSeconds(1), "a");
        var pauses = new List<TimeSpan>();

        pauses.Add(Lease(budget, "a", sent: 1_000, passed: 800, answered: 20, throttled: 1, retryAfter: TimeSpan.FromSeconds(1)).Pause);
        var cut = (budget.Rate, budget.Ceiling);
        for (var relapse = 0; relapse < 2; relapse++)
        {
            _clock.Advance(TimeSpan.FromSeconds(1.05)); // resumed, and refused again within a few requests
            pauses.Add(Lease(budget, "a", sent: 40, passed: 32, answered: 30, throttled: 1, retryAfter: TimeSpan.FromSeconds(1)).Pause);
        }
        var granted = 0L;
        for (var elapsed = TimeSpan.Zero; elapsed < TimeSpan.FromSeconds(20); elapsed += Period)
        {
            _clock.Advance(Period);
            var grant = Lease(budget, "a", sent: 1_000, passed: 800, answered: 160, throttled: 40, retryAfter: TimeSpan.FromSeconds(1));
            pauses.Add(grant.Pause);
            granted += grant.Permits;
        }
        var (cutsWhileScattered, ceilingWhileScattered) = (budget.Cuts, budget.Ceiling);
        for (var elapsed = TimeSpan.Zero; elapsed < TimeSpan.FromSeconds(60); elapsed += Period)
        {
            _clock.Advance(Period);
            pauses.Add(Lease(budget, "a", sent: 1_000, passed: 800, answered: 160, throttled: 40, retryAfter: TimeSpan.FromSeconds(1)).Pause);
        }

        Assert.Equal((720, (double?)800), (Math.Round(cut.Rate), cut.Ceiling)); // the first 429 is taken as a limit, as any is
        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), TimeSpan.Zero], pauses.Take(3));
        Assert.All(pauses.Skip(3), pause => Assert.Equal(TimeSpan.Zero, pause));
        Assert.Equal(2, cutsWhileScattered);
        Assert.Null(ceilingWhileScattered); // the limit learned from a scattered 429 was probed past, up to the budget
        Assert.InRange(granted, 0.95 * 20_000, 20_000 + 300); // the whole budget, but for seconds of probing, while 429s keep coming
        Assert.Equal(2, budget.Cuts); // a minute more of the same share: no pause
        Assert.True(budget.Scattered);
    }

    [Fact]
    public void A_receiver_with_a_limit_that_also_refuses_a_fifth_at_random_is_held_near_its_limit_not_sent_the_budget()
    {
        const double limit = 600; // passes at most this many a second, and refuses a fifth of what reaches it at random
        var budget = Budget(1_000);
        var highest = 0.0;
        var pauses = 0;
        for (var tick = 0; tick < 300; tick++) // a minute of leases
        {
            _clock.Advance(Period);
            var rate = budget.Rate;
            var sent = (int)rate;
            var passed = (int)Math.Min(limit, 0.8 * rate);
            var grant = Lease(budget, "a", sent: sent, passed: passed, answered: passed / 5, throttled: (sent - passed) / 5, retryAfter: TimeSpan.FromSeconds(1));
            if (grant.Pause > TimeSpan.Zero)
            {
                pauses++;
                _clock.Advance(grant.Pause);
            }
            if (tick > 50) highest = Math.Max(highest, budget.Rate);
        }

        Assert.InRange(highest, limit, 1.6 * limit); // probes past it, but is cut back when 429s rise: never the budget
        Assert.InRange(pauses, 2, 40);
    }

    [Fact]
    public void A_receiver_with_a_limit_under_half_the_budget_that_also_refuses_some_at_random_gets_near_its_limit()
    {
        const double limit = 150; // the outside run's receiver: 150/s, and 15 % refused at random, under a 300/s budget
        var budget = Budget(300);
        var (pauses, granted) = (0, 0L);
        // The file starts: its first 429 comes while little has been sent, so no limit is learned from it. The version
        // before this one then put the rate back to the budget: 250/s granted here, and 51 pauses.
        _clock.Advance(Period);
        if (Lease(budget, "a", sent: 40, passed: 34, answered: 6, throttled: 1, retryAfter: TimeSpan.FromSeconds(1)).Pause is var first && first > TimeSpan.Zero)
        {
            pauses++;
            _clock.Advance(first);
        }
        for (var tick = 0; tick < 300; tick++)
        {
            _clock.Advance(Period);
            var rate = budget.Rate;
            var passed = (int)Math.Min(limit, 0.85 * rate);
            var grant = Lease(budget, "a", sent: (int)rate, passed: passed, answered: passed / 5, throttled: ((int)rate - passed) / 5, retryAfter: TimeSpan.FromSeconds(1));
            if (grant.Pause > TimeSpan.Zero)
            {
                pauses++;
                _clock.Advance(grant.Pause);
            }
            if (tick >= 100) granted += grant.Permits;
        }

        Assert.InRange(granted / 40.0, 0.75 * limit, 1.3 * limit); // per second over the last 40 s: near the limit, not paused away
        Assert.InRange(pauses, 2, 25);
    }

    [Fact]
    public void While_429s_are_taken_as_scattered_a_second_in_which_most_requests_are_refused_pauses_everyone()
    {
        var budget = Budget(1_000);
        LeaseEvery(budget, Period, TimeSpan.FromSeconds(1), "a");
        Lease(budget, "a", sent: 1_000, passed: 800, answered: 20, throttled: 1);
        for (var relapse = 0; relapse < 2; relapse++)
        {
            _clock.Advance(TimeSpan.FromSeconds(1.05));
            Lease(budget, "a", sent: 40, passed: 32, answered: 30, throttled: 1);
        }
        var scattered = budget.Scattered;

        LeaseEvery(budget, Period, TimeSpan.FromSeconds(1.2), "a", answered: 160, throttled: 40); // its usual fifth
        var refusing = new List<TimeSpan>();
        for (var tick = 0; tick < 6; tick++)
        {
            _clock.Advance(Period);
            refusing.Add(Lease(budget, "a", sent: 1_000, passed: 300, answered: 10, throttled: 40).Pause);
        }

        Assert.True(scattered);
        Assert.Contains(TimeSpan.FromSeconds(1), refusing); // within about a second
        Assert.False(budget.Scattered);
    }

    [Fact]
    public void A_receiver_that_refuses_most_requests_right_after_each_pause_is_paused_for_every_time()
    {
        var budget = Budget(1_000);
        LeaseEvery(budget, Period, TimeSpan.FromSeconds(1), "a");
        var pauses = new List<TimeSpan> { Lease(budget, "a", sent: 1_000, passed: 100, answered: 5, throttled: 20).Pause };

        for (var relapse = 0; relapse < 5; relapse++)
        {
            _clock.Advance(TimeSpan.FromSeconds(1.05));
            pauses.Add(Lease(budget, "a", sent: 20, passed: 2, answered: 2, throttled: 18).Pause);
        }

        Assert.All(pauses, pause => Assert.Equal(TimeSpan.FromSeconds(1), pause));
        Assert.Equal(6, budget.Cuts);
        Assert.False(budget.Scattered);
    }

    private RateBudget Budget(double rate) =>
        new(new RateLimitOptions { PermitsPerSecond = rate, LeasePeriod = Period }, _clock.GetUtcNow());

    private LeaseGrant Lease(RateBudget budget, string silo, int wanted = int.MaxValue, int sent = 0, int passed = 0, int throttled = 0,
        TimeSpan? retryAfter = null, DateTimeOffset? sentAt = null, int answered = 0) =>
        budget.Lease(new LeaseRequest
        {
            SiloId = silo, Wanted = wanted, SentLastSecond = sent, PassedLastSecond = passed, Throttled = throttled, Answered = answered, RetryAfter = retryAfter,
            LastThrottledSentAt = throttled > 0 ? sentAt ?? _clock.GetUtcNow() : null,
        }, _clock.GetUtcNow());

    private long LeaseEvery(RateBudget budget, TimeSpan every, TimeSpan during, string silo, int wanted = int.MaxValue, int answered = 0, int throttled = 0)
    {
        long total = 0;
        for (var elapsed = TimeSpan.Zero; elapsed < during; elapsed += every)
        {
            _clock.Advance(every);
            total += Lease(budget, silo, wanted, answered: answered, throttled: throttled).Permits;
        }
        return total;
    }
}
