using Alerts.Grains.Interfaces.Model;
using Alerts.Grains.RateLimiting;

namespace Alerts.Grains.Notifications;

/// <summary>
/// What puts a user's alerts back in its queue: a back-off coming due (its own timer, or the webhook back from an
/// outage, whichever is first), and a paused file resumed (its alerts set aside meanwhile, holding no worker; those of
/// a cancelled file are dropped). Runs on its grain's turns: the grain's timer and the waits it starts there.
/// </summary>
internal sealed class UserWakeups(
    UserDeliveries state,
    IWebhookPermits permits,
    WebhookRecovery recovery,
    TimeProvider time,
    Func<Func<CancellationToken, Task>, TimeSpan, IGrainTimer> newTimer,
    Action startDelivering,
    CancellationToken stopping) : IDisposable
{
    private IGrainTimer? _backoffs;
    private Task? _recoveryWait;
    private Task? _unparkWait;

    /// <summary>An attempt found its file held by an operator: set aside until resumed, or dropped if cancelled.</summary>
    public void Park(Alert alert, long queuedAt)
    {
        if (permits.IsFileCancelled(alert.FileId))
        {
            state.HandBack(alert);
            return;
        }
        state.Park(alert, queuedAt);
        if (_unparkWait is null || _unparkWait.IsCompleted) _unparkWait = UnparkWhenResumedAsync();
    }

    // One wait at a time, on the file of the first alert set aside (which also keeps the silo hearing of resumes).
    private async Task UnparkWhenResumedAsync()
    {
        try
        {
            while (state.FirstParkedFile is { } fileId)
            {
                await permits.WhileFilePausedAsync(fileId, stopping);
                state.DropParked(permits.IsFileCancelled);
                if (state.Unpark(permits.IsFilePaused) > 0) startDelivering();
            }
        }
        catch (OperationCanceledException)
        {
            // deactivating: what is set aside is handed back
        }
    }

    /// <summary>
    /// Sets the timer for the earliest back-off not already queued, and waits for the webhook to come back from an
    /// outage, which makes every back-off due.
    /// </summary>
    public void ScheduleBackoffs()
    {
        if (!state.AnyBackingOff || state.NextWake() is not { } next || stopping.IsCancellationRequested) return;
        var dueIn = TimeSpan.FromTicks(Math.Max(0, (next - time.GetUtcNow()).Ticks));
        if (_backoffs is null) _backoffs = newTimer(WakeAsync, dueIn);
        else _backoffs.Change(dueIn, Timeout.InfiniteTimeSpan);
        _recoveryWait ??= WakeWhenWebhookBackAsync();
    }

    // One wait per user with back-offs, on the silo's one signal; it resumes on the grain's turns.
    private async Task WakeWhenWebhookBackAsync()
    {
        try
        {
            await recovery.NextBack.WaitAsync(stopping);
        }
        catch (OperationCanceledException)
        {
            return; // deactivating
        }
        finally
        {
            _recoveryWait = null;
        }
        await WakeAsync(CancellationToken.None);
    }

    private Task WakeAsync(CancellationToken cancellationToken)
    {
        state.QueueDueBackoffs();
        startDelivering();
        ScheduleBackoffs();
        return Task.CompletedTask;
    }

    public void Dispose() => _backoffs?.Dispose();
}
