using Alerts.Grains.Common;

namespace Alerts.Grains.Notifications;

/// <summary>
/// How many users' grains this silo holds in memory (the gauge <c>alerts_users_active</c>), and how many alerts they
/// hold unsettled (<c>alerts_delivery_backlog</c>).
/// </summary>
public sealed class ActiveUsers
{
    private int _count, _backlog;

    public ActiveUsers()
    {
        AlertsMetrics.ObserveActiveUsers(() => Count);
        AlertsMetrics.ObserveBacklog(() => Volatile.Read(ref _backlog));
    }

    public int Count => Volatile.Read(ref _count);

    /// <summary>A user's unsettled alerts changed by <paramref name="delta"/>.</summary>
    public void Holding(int delta) => Interlocked.Add(ref _backlog, delta);

    public void Activated() => Interlocked.Increment(ref _count);

    public void Deactivated() => Interlocked.Decrement(ref _count);
}
