namespace Alerts.Grains.Common;

/// <summary>
/// Group commit: items added while a commit is gathering or running go together in the next one, so many
/// callers share one round trip. A commit starts <c>linger</c> after the first item of its group and commits
/// run one at a time, in the order their items were added. Thread-safe; callers await their item's result.
/// </summary>
public sealed class GroupCommit<TItem, TResult>(Func<IReadOnlyList<TItem>, Task<IReadOnlyList<TResult>>> commit, TimeSpan linger, TimeProvider time)
{
    private readonly Lock _lock = new();
    private List<(TItem Item, TaskCompletionSource<TResult> Done)> _gathering = [];
    private bool _running;

    /// <summary>Items added and not yet answered.</summary>
    public int Pending { get; private set; }

    public Task<TResult> AddAsync(TItem item)
    {
        var done = new TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            _gathering.Add((item, done));
            Pending++;
            if (_running) return done.Task;
            _running = true;
        }
        _ = Task.Run(RunAsync);
        return done.Task;
    }

    private async Task RunAsync()
    {
        while (true)
        {
            if (linger > TimeSpan.Zero) await Task.Delay(linger, time);
            List<(TItem Item, TaskCompletionSource<TResult> Done)> group;
            lock (_lock)
            {
                group = _gathering;
                _gathering = [];
            }
            await CommitAsync(group);
            lock (_lock)
            {
                Pending -= group.Count;
                if (_gathering.Count == 0)
                {
                    _running = false;
                    return;
                }
            }
        }
    }

    private async Task CommitAsync(List<(TItem Item, TaskCompletionSource<TResult> Done)> group)
    {
        try
        {
            var results = await commit([.. group.Select(g => g.Item)]);
            for (var i = 0; i < group.Count; i++) group[i].Done.TrySetResult(results[i]);
        }
        catch (Exception error)
        {
            foreach (var (_, done) in group) done.TrySetException(error);
        }
    }
}
