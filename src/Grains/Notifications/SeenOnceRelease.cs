using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;

namespace Alerts.Grains.Notifications;

/// <summary>
/// When a user's grain that has taken a single alert looks again at whether it may go (<see cref="NotificationGrain"/>):
/// one queue and one timer for the silo, where a grain timer per user cost each a timer, its registration and a
/// message per tick. The look runs on the grain's own scheduler, between its turns.
/// </summary>
public sealed class SeenOnceRelease(TimeProvider time) : BackgroundService
{
    /// <summary>How long after its activation, or after its last look, a grain looks again.</summary>
    public static readonly TimeSpan Linger = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Resolution = TimeSpan.FromMilliseconds(250);
    private readonly long _lingerTicks = (long)(Linger.TotalSeconds * time.TimestampFrequency);
    // One linger for all: looks fall due in the order they were asked for, so the head is always the next one due.
    private readonly ConcurrentQueue<Look> _looks = new();

    /// <summary>Runs <paramref name="look"/> with <paramref name="state"/> on <paramref name="grain"/> one linger from now.</summary>
    public void LookAgainAfterLinger(IWorkItemScheduler grain, Action<object> look, object state) =>
        _looks.Enqueue(new Look(time.GetTimestamp() + _lingerTicks, grain, look, state));

    /// <summary>Looks asked for and not yet handed to their grains.</summary>
    public int Waiting => _looks.Count;

    /// <summary>Hands every look now due to its grain's scheduler; returns how many.</summary>
    public int HandOverDue()
    {
        var now = time.GetTimestamp();
        var handed = 0;
        while (_looks.TryPeek(out var next) && next.Due <= now && _looks.TryDequeue(out next)) // one reader: the peeked one
        {
            next.Grain.QueueAction(next.Run, next.State);
            handed++;
        }
        return handed;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Resolution, time);
        while (await timer.WaitForNextTickAsync(stoppingToken)) HandOverDue();
    }

    private readonly record struct Look(long Due, IWorkItemScheduler Grain, Action<object> Run, object State);
}
