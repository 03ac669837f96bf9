using Alerts.Grains.Common;
using Alerts.Tests.Support;

namespace Alerts.Tests.Common;

public sealed class KeyedLanesTests
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_key_that_never_answers_holds_back_only_its_own_items()
    {
        var sent = new List<(string Key, int[] Items)>();
        var frozen = new TaskCompletionSource();
        var othersSent = new TaskCompletionSource();
        var lanes = new KeyedLanes<string, int>(async (key, items) =>
        {
            lock (sent) sent.Add((key, [.. items]));
            if (key == "frozen") await frozen.Task;
            else if (items.Contains(4)) othersSent.SetResult();
        });

        lanes.Post("frozen", [1]);
        lanes.Post("frozen", [2]);
        lanes.Post("frozen", [3]);
        lanes.Post("healthy", [4]);

        await othersSent.Task.WaitAsync(Within); // the healthy key went while the frozen one's first send hangs
        lock (sent) Assert.Equal([("frozen", [1]), ("healthy", [4])], sent.Select(s => (s.Key, s.Items)).ToList(), new SendComparer());
        Assert.Equal(1, lanes.Busy);

        frozen.SetResult(); // it answers at last: what waited goes in one send
        await Eventually.Until(() => lanes.Busy == 0, "the frozen key's lane free", Within);
        lock (sent) Assert.Equal([2, 3], sent.Single(s => s.Key == "frozen" && s.Items[0] == 2).Items);
    }

    [Fact]
    public async Task A_send_that_throws_does_not_leave_its_key_busy()
    {
        var calls = 0;
        var lanes = new KeyedLanes<string, int>((_, _) => Interlocked.Increment(ref calls) == 1 ? throw new InvalidOperationException() : Task.CompletedTask);
        lanes.Post("a", [1]);
        lanes.Post("a", [2]);
        await Eventually.Until(() => lanes.Busy == 0 && Volatile.Read(ref calls) >= 2, "the second send made and the lane free", Within);
    }

    private sealed class SendComparer : IEqualityComparer<(string Key, int[] Items)>
    {
        public bool Equals((string Key, int[] Items) x, (string Key, int[] Items) y) => x.Key == y.Key && x.Items.SequenceEqual(y.Items);
        public int GetHashCode((string Key, int[] Items) obj) => obj.Key.GetHashCode();
    }
}
