using Alerts.Grains.Interfaces.Model;
using Alerts.Grains.RateLimiting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Alerts.Tests.RateLimiting;

/// <summary>What a silo spends while the limiter does not answer, on a fake clock.</summary>
public sealed class LimiterFallbackTests
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.Parse("2026-12-07T12:00:00Z"));
    private readonly LimiterFallback _fallback;
    private static readonly LeaseGrant Share = new(40, TimeSpan.FromMilliseconds(200), TimeSpan.Zero);

    public LimiterFallbackTests() => _fallback = new LimiterFallback(_clock, NullLogger<LimiterFallback>.Instance);

    [Fact]
    public void The_last_share_is_spent_for_at_most_the_fallback_period_and_an_answer_ends_it()
    {
        var before = _fallback.Share(throttled: false, paused: false); // nothing granted yet
        _fallback.Heard(Share);
        _clock.Advance(LimiterFallback.For);
        var within = _fallback.Share(throttled: false, paused: false);
        var active = _fallback.Active;
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        var after = _fallback.Share(throttled: false, paused: false);

        Assert.Null(before);
        Assert.Equal((Share, true), (within, active));
        Assert.Null(after);
        Assert.False(_fallback.Active);
    }

    [Fact]
    public void No_share_after_a_429_while_paused_or_when_the_last_grant_was_a_pause_or_the_endpoint_down()
    {
        _fallback.Heard(Share);
        var throttled = _fallback.Share(throttled: true, paused: false);
        var paused = _fallback.Share(throttled: false, paused: true);
        _fallback.Heard(new LeaseGrant(0, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1)));
        var afterPause = _fallback.Share(throttled: false, paused: false);
        _fallback.Heard(Share with { EndpointDown = true });
        var afterDown = _fallback.Share(throttled: false, paused: false);

        Assert.All(new[] { throttled, paused, afterPause, afterDown }, Assert.Null);
    }

    [Fact]
    public async Task A_lease_is_waited_for_up_to_its_timeout_and_not_at_all_while_falling_back()
    {
        var silent = new TaskCompletionSource<LeaseGrant>();
        var answered = await _fallback.AnswerAsync(Task.FromResult(Share));
        _fallback.Heard(Share);

        var waiting = _fallback.AnswerAsync(silent.Task);
        _clock.Advance(LimiterFallback.LeaseTimeout - TimeSpan.FromMilliseconds(1));
        var stillWaiting = !waiting.IsCompleted;
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        var timedOut = await waiting.WaitAsync(TimeSpan.FromSeconds(10));
        _fallback.Share(throttled: false, paused: false); // falling back now
        var whileFallingBack = _fallback.AnswerAsync(silent.Task);

        Assert.Equal(Share, answered);
        Assert.True(stillWaiting);
        Assert.Null(timedOut);
        Assert.True(whileFallingBack.IsCompleted);
        Assert.Null(await whileFallingBack);
    }
}
