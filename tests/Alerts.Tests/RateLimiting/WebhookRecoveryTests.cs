using Alerts.Grains.RateLimiting;

namespace Alerts.Tests.RateLimiting;

public sealed class WebhookRecoveryTests
{
    private static readonly DateTimeOffset Noon = DateTimeOffset.Parse("2026-12-06T12:00:00Z");

    [Fact]
    public void A_back_off_from_before_the_webhook_came_back_is_due_when_it_did()
    {
        var recovery = new WebhookRecovery();
        recovery.Back(Noon);

        Assert.Equal(Noon, recovery.DueAt(attemptedAt: Noon.AddMinutes(-1), backOffUntil: Noon.AddMinutes(9)));
        Assert.Equal(Noon.AddSeconds(-5), recovery.DueAt(attemptedAt: Noon.AddMinutes(-1), backOffUntil: Noon.AddSeconds(-5))); // due sooner anyway
        Assert.Equal(Noon.AddMinutes(9), recovery.DueAt(attemptedAt: Noon.AddSeconds(1), backOffUntil: Noon.AddMinutes(9))); // failed since: its own time
    }

    [Fact]
    public void Without_an_outage_a_back_off_keeps_its_own_time()
    {
        var recovery = new WebhookRecovery();

        Assert.Equal(Noon.AddMinutes(9), recovery.DueAt(attemptedAt: Noon, backOffUntil: Noon.AddMinutes(9)));
        Assert.Equal(DateTimeOffset.MinValue, recovery.LastBackAt);
    }

    [Fact]
    public async Task Waiters_are_woken_by_the_next_recovery_only()
    {
        var recovery = new WebhookRecovery();
        var first = recovery.NextBack;
        recovery.Back(Noon);
        var second = recovery.NextBack;

        await first.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(second.IsCompleted);
        recovery.Back(Noon.AddMinutes(1));
        await second.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(Noon.AddMinutes(1), recovery.LastBackAt);
    }

    [Fact]
    public void Only_a_change_of_the_circuit_counts_and_its_closing_is_a_recovery()
    {
        var recovery = new WebhookRecovery();

        Assert.False(recovery.Heard(down: false, Noon)); // up, as it was: no recovery
        Assert.Equal(DateTimeOffset.MinValue, recovery.LastBackAt);
        Assert.True(recovery.Heard(down: true, Noon.AddSeconds(1)));
        Assert.True(recovery.Down);
        Assert.False(recovery.Heard(down: true, Noon.AddSeconds(2)));
        Assert.True(recovery.Heard(down: false, Noon.AddSeconds(3)));
        Assert.False(recovery.Down);
        Assert.Equal(Noon.AddSeconds(3), recovery.LastBackAt);
    }
}
