namespace Alerts.Grains.Common;

/// <summary>
/// Keeps at most one state write in flight and folds every save asked for meanwhile into the next
/// one (the Chirper sample's pattern): a file can checkpoint many times a second without ETag
/// conflicts or a queue of redundant writes. Used only from one grain's single-threaded context.
/// </summary>
internal sealed class CoalescingWriter(Func<Task> write)
{
    private Task _last = Task.CompletedTask;
    private Task? _queued;

    /// <summary>Completes when a write that started after this call has finished.</summary>
    public Task SaveAsync()
    {
        if (_queued is not null) return _queued;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var previous = _last;
        _queued = _last = done.Task;
        _ = WriteAfterAsync(previous, done);
        return done.Task;
    }

    private async Task WriteAfterAsync(Task previous, TaskCompletionSource done)
    {
        await previous.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
        if (_queued == done.Task) _queued = null; // this write starts now: later changes need a later write
        try
        {
            await write();
            done.SetResult();
        }
        catch (Exception error)
        {
            done.SetException(error);
        }
    }
}
