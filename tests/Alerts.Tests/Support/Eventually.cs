namespace Alerts.Tests.Support;

/// <summary>Polls a condition until it holds or a deadline passes: the only way tests wait.</summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    public static async Task<T> Until<T>(Func<Task<T>> probe, Func<T, bool> done, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        var delay = TimeSpan.FromMilliseconds(20);
        T last;
        while (true)
        {
            last = await probe();
            if (done(last)) return last;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{what}: not reached within {timeout ?? DefaultTimeout}; last seen: {last}");
            await Task.Delay(delay);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 250));
        }
    }

    public static Task Until(Func<bool> condition, string what, TimeSpan? timeout = null) =>
        Until(() => Task.FromResult(condition()), ok => ok, what, timeout);
}
