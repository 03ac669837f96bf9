using Alerts.Grains.RateLimiting;

namespace Alerts.Tests.RateLimiting;

public sealed class PermitQueueTests
{
    [Fact]
    public async Task Waiters_are_served_oldest_alert_first_not_first_asked()
    {
        var queue = new PermitQueue();
        var newer = queue.WaitAsync(age: 200);
        var older = queue.WaitAsync(age: 100);
        var newest = queue.WaitAsync(age: 300);

        queue.Release(1);
        await older.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.False(newer.IsCompleted);
        queue.Release(1);
        await newer.WaitAsync(TimeSpan.FromSeconds(5));

        Assert.False(newest.IsCompleted);
        Assert.Equal(0, queue.Available);
    }

    [Fact]
    public async Task A_cancelled_waiter_takes_no_permit()
    {
        var queue = new PermitQueue();
        using var cancel = new CancellationTokenSource();
        var cancelled = queue.WaitAsync(age: 1, cancel.Token);
        var next = queue.WaitAsync(age: 2);

        await cancel.CancelAsync();
        queue.Release(1);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        await next.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(0, queue.Available);
    }

    [Fact]
    public async Task Permits_in_hand_are_taken_at_once_and_can_be_expired()
    {
        var queue = new PermitQueue();
        queue.Release(2);

        await queue.WaitAsync(age: 5);

        Assert.Equal(1, queue.Available);
        Assert.True(queue.TryTake());
        Assert.False(queue.TryTake());
    }
}
