using Alerts.Grains.Common;
using Alerts.Tests.Support;

namespace Alerts.Tests.Records;

public sealed class GroupCommitTests
{
    [Fact]
    public async Task Items_added_while_a_commit_runs_go_together_in_the_next_in_order()
    {
        var groups = new List<int[]>();
        var firstRunning = new TaskCompletionSource();
        var releaseFirst = new TaskCompletionSource();
        var commit = new GroupCommit<int, int>(async items =>
        {
            groups.Add([.. items]);
            if (groups.Count == 1)
            {
                firstRunning.SetResult();
                await releaseFirst.Task;
            }
            return [.. items.Select(i => i * 10)];
        }, TimeSpan.Zero, TimeProvider.System);

        var first = commit.AddAsync(1);
        await firstRunning.Task;
        var rest = Enumerable.Range(2, 100).Select(commit.AddAsync).ToList();
        Assert.Equal(101, commit.Pending);
        releaseFirst.SetResult();

        Assert.Equal(10, await first);
        Assert.Equal(Enumerable.Range(2, 100).Select(i => i * 10), await Task.WhenAll(rest));
        Assert.Equal([[1], [.. Enumerable.Range(2, 100)]], groups);
        Assert.Equal(0, commit.Pending);
    }

    [Fact]
    public async Task A_failed_commit_fails_its_group_only()
    {
        var calls = 0;
        var commit = new GroupCommit<string, bool>(items =>
            ++calls == 1 ? throw new IOException("store down") : Task.FromResult<IReadOnlyList<bool>>([.. items.Select(_ => true)]),
            TimeSpan.Zero, TimeProvider.System);

        await Assert.ThrowsAsync<IOException>(() => commit.AddAsync("lost"));
        Assert.True(await commit.AddAsync("kept"));
    }

    [Fact]
    public async Task Ranges_get_their_own_results_and_an_empty_range_is_answered_even_while_a_commit_runs()
    {
        var firstRunning = new TaskCompletionSource();
        var releaseFirst = new TaskCompletionSource();
        var commits = 0;
        var commit = new GroupCommit<int, int>(async items =>
        {
            if (++commits == 1)
            {
                firstRunning.SetResult();
                await releaseFirst.Task;
            }
            return [.. items.Select(i => -i)];
        }, TimeSpan.Zero, TimeProvider.System);

        var first = commit.AddRangeAsync([1, 2]);
        await firstRunning.Task;
        var empty = commit.AddRangeAsync([]); // the version before left this waiting for a commit that never came
        releaseFirst.SetResult();
        Assert.Equal(new[] { -1, -2 }, await first);
        Assert.Empty(await empty.WaitAsync(TimeSpan.FromSeconds(10)));

        commit.Post(99);
        Assert.Equal(new[] { -3, -4, -5 }, await commit.AddRangeAsync([3, 4, 5]));
        Assert.InRange(commits, 2, 3); // without a linger, the posted item may go alone before the range is added
    }

    [Fact]
    public async Task A_commit_that_waits_on_its_store_says_for_how_long()
    {
        var release = new TaskCompletionSource();
        var running = new TaskCompletionSource();
        var commit = new GroupCommit<int, int>(async items =>
        {
            running.TrySetResult();
            await release.Task;
            return [.. items];
        }, TimeSpan.Zero, TimeProvider.System);
        Assert.Equal(TimeSpan.Zero, commit.RunningFor);

        var added = commit.AddAsync(1);
        await running.Task;
        await Eventually.Until(() => commit.RunningFor >= TimeSpan.FromMilliseconds(50), "the hanging commit seen waiting");
        release.SetResult();
        await added;
        await Eventually.Until(() => commit.RunningFor == TimeSpan.Zero, "no commit under way once it answered");
    }
}
