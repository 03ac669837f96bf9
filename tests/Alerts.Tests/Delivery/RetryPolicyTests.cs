using Alerts.Grains.Delivery;
using Alerts.Grains.Hosting;

namespace Alerts.Tests.Delivery;

public sealed class RetryPolicyTests
{
    private readonly RetryPolicy _policy = new(new WebhookOptions());

    [Theory]
    [InlineData(200, RetryAction.Delivered)]
    [InlineData(204, RetryAction.Delivered)]
    [InlineData(429, RetryAction.Throttled)]
    [InlineData(408, RetryAction.Retry)]
    [InlineData(500, RetryAction.Retry)]
    [InlineData(503, RetryAction.Retry)]
    [InlineData(400, RetryAction.DeadLetter)]
    [InlineData(404, RetryAction.DeadLetter)]
    public void Each_status_class_takes_its_path(int status, RetryAction expected) =>
        Assert.Equal(expected, _policy.Decide(new WebhookResult(status, null, null), 1, TimeSpan.Zero, 0.5).Action);

    [Fact]
    public void Timeouts_and_connection_errors_are_transient() =>
        Assert.Equal(RetryAction.Retry, _policy.Decide(new WebhookResult(null, "timeout", null), 1, TimeSpan.Zero, 0.5).Action);

    [Fact]
    public void A_429_waits_for_retry_after_or_a_second()
    {
        Assert.Equal(TimeSpan.FromSeconds(7), _policy.Decide(new WebhookResult(429, null, TimeSpan.FromSeconds(7)), 0, TimeSpan.Zero, 0.5).Delay);
        Assert.Equal(TimeSpan.FromSeconds(1), _policy.Decide(new WebhookResult(429, null, null), 0, TimeSpan.Zero, 0.5).Delay);
    }

    [Fact]
    public void By_default_transient_failures_are_tried_for_a_day_however_many_attempts_that_takes()
    {
        var failure = new WebhookResult(503, null, null);
        Assert.Equal(RetryAction.Retry, _policy.Decide(failure, 290, TimeSpan.FromHours(23.9), 0.5).Action);
        Assert.Equal(RetryAction.DeadLetter, _policy.Decide(failure, 2, TimeSpan.FromHours(24), 0.5).Action);
    }

    [Fact]
    public void An_attempt_cap_when_set_ends_them_sooner()
    {
        var policy = new RetryPolicy(new WebhookOptions { MaxAttempts = 10 });
        var failure = new WebhookResult(503, null, null);
        Assert.Equal(RetryAction.Retry, policy.Decide(failure, 9, TimeSpan.FromHours(1), 0.5).Action);
        Assert.Equal(RetryAction.DeadLetter, policy.Decide(failure, 10, TimeSpan.FromHours(1), 0.5).Action);
    }

    [Fact]
    public void Back_off_doubles_from_a_second_and_is_capped_at_five_minutes()
    {
        Assert.Equal(TimeSpan.FromSeconds(1), _policy.Backoff(1, 0.5));
        Assert.Equal(TimeSpan.FromSeconds(8), _policy.Backoff(4, 0.5));
        Assert.Equal(TimeSpan.FromMinutes(5), _policy.Backoff(20, 0.5));
        Assert.Equal(TimeSpan.FromSeconds(2), _policy.Backoff(3, 0.0)); // jitter spreads 4 s over [2 s, 6 s)
        Assert.True(_policy.Backoff(3, 0.999) < TimeSpan.FromSeconds(6));
    }
}
