namespace Alerts.Grains.Common;

/// <summary>
/// Group commit: items added while a commit is gathering or running go together in the next one, so many
/// callers share one round trip. A commit starts <c>linger</c> after the first item of its group and commits
/// run one at a time, in the order their items were added. Thread-safe. A caller awaits its item's result, its
/// items' results (one wait for the lot), or nothing at all (<see cref="Post"/>): a wait costs a task per caller.
/// </summary>
public sealed class GroupCommit<TItem, TResult>(Func<IReadOnlyList<TItem>, Task<IReadOnlyList<TResult>>> commit, TimeSpan linger, TimeProvider time)
{
    private readonly Lock _lock = new();
    private List<TItem> _gathering = [];
    private List<Waiter> _waiters = [];
    private bool _running;
    private long _commitStartedAt; // a timestamp while a commit is under way, else 0

    /// <summary>Items added and not yet answered.</summary>
    public int Pending { get; private set; }

    /// <summary>How long the commit under way has been waiting for its store; zero when none is.</summary>
    public TimeSpan RunningFor => Interlocked.Read(ref _commitStartedAt) is var started and not 0 ? time.GetElapsedTime(started) : TimeSpan.Zero;

    public Task<TResult> AddAsync(TItem item)
    {
        var one = new One();
        Add(null, item, one);
        return one.Done.Task;
    }

    /// <summary>The items' results, in order, from the commit that takes them all.</summary>
    public Task<TResult[]> AddRangeAsync(IReadOnlyList<TItem> items)
    {
        if (items.Count == 0) return Task.FromResult(Array.Empty<TResult>()); // nothing would ever end its wait
        var range = new Range(items.Count);
        Add(items, default!, range);
        return range.Done.Task;
    }

    /// <summary>Adds an item no one waits for: a failed commit drops it.</summary>
    public void Post(TItem item) => Add(null, item, null);

    /// <summary>Adds <paramref name="items"/>, or <paramref name="single"/> when they are null.</summary>
    private void Add(IReadOnlyList<TItem>? items, TItem single, Waiter? waiter)
    {
        lock (_lock)
        {
            if (waiter is not null)
            {
                waiter.Start = _gathering.Count;
                _waiters.Add(waiter);
            }
            if (items is null) _gathering.Add(single);
            else _gathering.AddRange(items);
            Pending += items?.Count ?? 1;
            if (_running) return;
            _running = true;
        }
        _ = Task.Run(RunAsync);
    }

    private async Task RunAsync()
    {
        while (true)
        {
            if (linger > TimeSpan.Zero) await Task.Delay(linger, time);
            List<TItem> group;
            List<Waiter> waiters;
            lock (_lock)
            {
                (group, waiters) = (_gathering, _waiters);
                (_gathering, _waiters) = ([], []);
            }
            Interlocked.Exchange(ref _commitStartedAt, time.GetTimestamp());
            await CommitAsync(group, waiters);
            Interlocked.Exchange(ref _commitStartedAt, 0);
            lock (_lock)
            {
                Pending -= group.Count;
                if (_gathering.Count == 0 && _waiters.Count == 0)
                {
                    _running = false;
                    return;
                }
            }
        }
    }

    private async Task CommitAsync(List<TItem> group, List<Waiter> waiters)
    {
        try
        {
            var results = await commit(group);
            foreach (var waiter in waiters) waiter.Complete(results);
        }
        catch (Exception error)
        {
            foreach (var waiter in waiters) waiter.Fail(error);
        }
    }

    /// <summary>A caller waiting for the results of its items, which start at <see cref="Start"/> in their group.</summary>
    private abstract class Waiter
    {
        public int Start { get; set; }
        public abstract void Complete(IReadOnlyList<TResult> results);
        public abstract void Fail(Exception error);
    }

    private sealed class One : Waiter
    {
        public TaskCompletionSource<TResult> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public override void Complete(IReadOnlyList<TResult> results) => Done.TrySetResult(results[Start]);
        public override void Fail(Exception error) => Done.TrySetException(error);
    }

    private sealed class Range(int count) : Waiter
    {
        public TaskCompletionSource<TResult[]> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override void Complete(IReadOnlyList<TResult> results)
        {
            var mine = new TResult[count];
            for (var i = 0; i < count; i++) mine[i] = results[Start + i];
            Done.TrySetResult(mine);
        }

        public override void Fail(Exception error) => Done.TrySetException(error);
    }
}
