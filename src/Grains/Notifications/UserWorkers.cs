using Alerts.Grains.Interfaces.Model;

namespace Alerts.Grains.Notifications;

/// <summary>
/// A user's delivery workers, beside its grain's turns: at most its concurrency of them, each taking the oldest alert
/// due and making one attempt at a time (with one worker a user's alerts arrive in file order). Started from the
/// grain's turns only.
/// </summary>
internal sealed class UserWorkers(
    UserDeliveries state,
    int concurrency,
    Func<Alert, long, DeliveryRecord?, Task> attempt,
    DeliveryDrain drain,
    Action stopped,
    CancellationToken stopping)
{
    private readonly List<Task> _workers = [];
    private int _working;

    /// <summary>Starts workers up to the concurrency, one per alert due.</summary>
    public void Start()
    {
        if (stopping.IsCancellationRequested) return;
        _workers.RemoveAll(worker => worker.IsCompleted);
        for (var more = Math.Min(concurrency - _working, state.DueCount); more > 0; more--)
        {
            _working++; // counted before it starts: it may finish before the call returns
            _workers.Add(WorkAsync());
        }
    }

    /// <summary>Completes when every worker has stopped (after stopping, once attempts in flight finish).</summary>
    public Task Stopped => Task.WhenAll(_workers);

    private async Task WorkAsync()
    {
        using var busy = drain.Enter();
        try
        {
            while (!stopping.IsCancellationRequested && state.TryTakeDue(out var alert, out var queuedAt, out var previous))
                await attempt(alert, queuedAt, previous);
        }
        finally
        {
            _working--;
            if (stopping.IsCancellationRequested) stopped();
        }
    }
}
