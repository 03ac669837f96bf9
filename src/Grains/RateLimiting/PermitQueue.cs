namespace Alerts.Grains.RateLimiting;

/// <summary>
/// A silo's permits in hand and the attempts waiting for one, served oldest alert first rather than first asked.
/// A user with several attempts under way asks again after each answer; served in order of asking, its alerts
/// would queue behind every newer alert of every other user and pile up in its file's window. In order of age,
/// the oldest alerts go first whoever they are for, and a user's concurrency bounds its share.
/// </summary>
public sealed class PermitQueue
{
    private readonly Lock _lock = new();
    private readonly PriorityQueue<TaskCompletionSource, (long Age, long Order)> _waiting = new();
    private long _order;
    private int _available;

    /// <summary>Permits in hand that nobody has taken.</summary>
    public int Available
    {
        get
        {
            lock (_lock) return _available;
        }
    }

    /// <summary>Attempts waiting for a permit: a permit released now is taken at once.</summary>
    public int Waiting
    {
        get
        {
            lock (_lock) return _waiting.Count;
        }
    }

    /// <summary>Waits for a permit; among waiters, the lowest <paramref name="age"/> (the earliest queued alert) goes first.</summary>
    public Task WaitAsync(long age, CancellationToken cancellationToken = default)
    {
        TaskCompletionSource waiter;
        lock (_lock)
        {
            if (_available > 0 && _waiting.Count == 0)
            {
                _available--; // nobody older waits: taken at once, with nothing to wait on
                return Task.CompletedTask;
            }
            waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiting.Enqueue(waiter, (age, _order++));
            HandOut();
        }
        return waiter.Task.IsCompleted ? waiter.Task : WaitForAsync(waiter, cancellationToken);
    }

    private async Task WaitForAsync(TaskCompletionSource waiter, CancellationToken cancellationToken)
    {
        using var cancel = cancellationToken.Register(() => Cancel(waiter, cancellationToken));
        await waiter.Task.ConfigureAwait(false);
    }

    // Out of the queue at once: during a long wait (an outage) every deactivating user's waiter would pile up otherwise.
    private void Cancel(TaskCompletionSource waiter, CancellationToken cancellationToken)
    {
        lock (_lock) _waiting.Remove(waiter, out _, out _);
        waiter.TrySetCanceled(cancellationToken);
    }

    public void Release(int count)
    {
        lock (_lock)
        {
            _available += count;
            HandOut();
        }
    }

    /// <summary>Takes a permit in hand if there is one (to expire it).</summary>
    public bool TryTake()
    {
        lock (_lock)
        {
            if (_available == 0) return false;
            _available--;
            return true;
        }
    }

    // A waiter cancelled meanwhile takes nothing: its permit goes to the next.
    private void HandOut()
    {
        while (_available > 0 && _waiting.TryDequeue(out var waiter, out _))
            if (waiter.TrySetResult()) _available--;
    }
}
