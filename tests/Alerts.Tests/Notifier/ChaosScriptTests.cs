using Alerts.Notifier.Chaos;
using Microsoft.Extensions.Time.Testing;

namespace Alerts.Tests.Notifier;

public sealed class ChaosScriptTests
{
    private readonly FakeTimeProvider _clock = new();

    [Fact]
    public void The_default_profile_lets_every_request_through_at_once()
    {
        var script = Script(new ChaosOptions());

        var decisions = Enumerable.Range(0, 100).Select(_ => script.Decide()).ToList();

        Assert.All(decisions, d => Assert.Equal(new ChaosDecision(ChaosAction.Proceed, TimeSpan.Zero), d));
    }

    [Fact]
    public void Latency_adds_jitter_drawn_uniformly()
    {
        var script = Script(new ChaosOptions { LatencyMs = 50, JitterMs = 20 }, 0.5, 0.0);

        Assert.Equal(TimeSpan.FromMilliseconds(60), script.Decide().Delay);
        Assert.Equal(TimeSpan.FromMilliseconds(50), script.Decide().Delay);
    }

    [Fact]
    public void Throttle_first_answers_429_to_the_first_requests_only_with_retry_after_verbatim()
    {
        var script = Script(new ChaosOptions { ThrottleFirst = 2, RetryAfter = "soon" });

        var decisions = Enumerable.Range(0, 4).Select(_ => script.Decide()).ToList();

        Assert.Equal([ChaosAction.Throttle, ChaosAction.Throttle, ChaosAction.Proceed, ChaosAction.Proceed], decisions.Select(d => d.Action));
        Assert.Equal(429, decisions[0].Status);
        Assert.Equal("soon", decisions[0].RetryAfter);
    }

    [Fact]
    public void Throttle_every_answers_429_to_each_nth_request()
    {
        var script = Script(new ChaosOptions { ThrottleEvery = 3 });

        var throttled = Enumerable.Range(1, 9).Where(_ => script.Decide().Action == ChaosAction.Throttle).ToList();

        Assert.Equal(3, throttled.Count);
    }

    [Fact]
    public void Throttle_share_answers_429_when_the_draw_falls_under_it()
    {
        var script = Script(new ChaosOptions { ThrottleShare = 0.3 }, 0.29, 0.31);

        Assert.Equal(ChaosAction.Throttle, script.Decide().Action);
        Assert.Equal(ChaosAction.Proceed, script.Decide().Action);
    }

    [Fact]
    public void An_outage_begins_after_its_delay_and_ends_after_its_length()
    {
        var script = Script(new ChaosOptions { OutageAfterSeconds = 10, OutageSeconds = 5, OutageStatus = 502 });

        Assert.Equal(ChaosAction.Proceed, script.Decide().Action);
        _clock.Advance(TimeSpan.FromSeconds(10));
        var during = script.Decide();
        Assert.Equal((ChaosAction.OutageStatus, 502), (during.Action, during.Status));
        Assert.False(script.RefusesConnections());
        _clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(ChaosAction.Proceed, script.Decide().Action);
    }

    [Fact]
    public void A_refuse_outage_refuses_connections_only_while_it_lasts()
    {
        var script = Script(new ChaosOptions { OutageSeconds = 2, OutageMode = OutageMode.Refuse });

        Assert.True(script.RefusesConnections());
        Assert.Equal(ChaosAction.OutageRefuse, script.Decide().Action);
        _clock.Advance(TimeSpan.FromSeconds(2));
        Assert.False(script.RefusesConnections());
    }

    [Fact]
    public void Applying_a_profile_restarts_its_windows_and_its_count()
    {
        var script = Script(new ChaosOptions());
        _clock.Advance(TimeSpan.FromMinutes(10));

        script.Apply(new ChaosOptions { OutageSeconds = 1, ThrottleFirst = 1 });

        Assert.Equal(ChaosAction.OutageStatus, script.Decide().Action);
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(ChaosAction.Throttle, script.Decide().Action); // requests in the outage are not numbered
        Assert.Equal(ChaosAction.Proceed, script.Decide().Action);
    }

    [Fact]
    public void A_redirect_carries_its_status_and_location()
    {
        var script = Script(new ChaosOptions { RedirectStatus = 308, RedirectTo = "https://example.test/hook", BodyBytes = 10 });

        Assert.Equal(new ChaosDecision(ChaosAction.Redirect, Status: 308, Location: "https://example.test/hook", BodyBytes: 10), script.Decide());
    }

    [Fact]
    public void Hang_and_reset_shares_follow_the_draws()
    {
        var script = Script(new ChaosOptions { HangShare = 0.5, ResetShare = 0.5 }, 0.4, 0.9, 0.1, 0.9, 0.9);

        Assert.Equal(ChaosAction.Hang, script.Decide().Action);
        Assert.Equal(ChaosAction.Reset, script.Decide().Action);
        Assert.Equal(ChaosAction.Proceed, script.Decide().Action);
    }

    [Fact]
    public void The_order_is_outage_redirect_hang_reset_throttle()
    {
        var all = new ChaosOptions { OutageSeconds = 1, RedirectStatus = 302, RedirectTo = "http://x.test/", HangShare = 1, ResetShare = 1, ThrottleFirst = 9 };
        var script = Script(all, 0, 0);

        var seen = new List<ChaosAction> { script.Decide().Action };
        _clock.Advance(TimeSpan.FromSeconds(1));
        foreach (var off in new Action[] { () => all.RedirectStatus = 0, () => all.HangShare = 0, () => all.ResetShare = 0 })
        {
            seen.Add(script.Decide().Action);
            off();
        }
        seen.Add(script.Decide().Action);

        Assert.Equal([ChaosAction.OutageStatus, ChaosAction.Redirect, ChaosAction.Hang, ChaosAction.Reset, ChaosAction.Throttle], seen);
    }

    private ChaosScript Script(ChaosOptions profile, params double[] draws) => new(profile, _clock, new ScriptedRandom(draws));

    /// <summary>Hands out the given draws in order, so a test says exactly what chance decided.</summary>
    private sealed class ScriptedRandom(double[] draws) : Random
    {
        private int _next;

        public override double NextDouble() =>
            _next < draws.Length ? draws[_next++] : throw new InvalidOperationException("the test gave no more draws");
    }
}
