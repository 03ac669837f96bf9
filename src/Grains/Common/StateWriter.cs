namespace Alerts.Grains.Common;

/// <summary>
/// A grain's state writes: at most one in flight, every save asked for meanwhile folded into the next one (Orleans'
/// <see cref="BatchWorker"/>), so a grain can save many times a second without ETag conflicts or a queue of redundant
/// writes; and checkpoints, written at most once per period, the last one waiting for <see cref="FlushAsync"/>.
/// Used only from one grain's single-threaded context.
/// </summary>
internal sealed class StateWriter(Func<Task> write, TimeProvider time, TimeSpan checkpointEvery)
{
    private readonly BatchWorkerFromDelegate _writes = new(write);
    private DateTimeOffset _checkpointedAt = DateTimeOffset.MinValue;
    private bool _unsaved;

    /// <summary>Completes when a write that started after this call has finished; fails as that write did.</summary>
    public Task SaveAsync()
    {
        _unsaved = false;
        return _writes.NotifyAndWaitForWorkToBeServiced();
    }

    /// <summary>Writes unless a checkpoint was written within the period; what waited is written by <see cref="FlushAsync"/>.</summary>
    public Task CheckpointAsync()
    {
        var now = time.GetUtcNow();
        if (now - _checkpointedAt < checkpointEvery)
        {
            _unsaved = true;
            return Task.CompletedTask;
        }
        _checkpointedAt = now;
        return SaveAsync();
    }

    /// <summary>Writes a checkpoint that waited, when its period allows.</summary>
    public Task FlushAsync() => _unsaved ? CheckpointAsync() : Task.CompletedTask;
}
