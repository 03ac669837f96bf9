using Alerts.Grains.Common;

namespace Alerts.Grains.Notifications;

/// <summary>How many users' grains this silo holds in memory (the gauge <c>alerts_users_active</c>).</summary>
public sealed class ActiveUsers
{
    private int _count;

    public ActiveUsers() => AlertsMetrics.ObserveActiveUsers(() => Count);

    public int Count => Volatile.Read(ref _count);

    public void Activated() => Interlocked.Increment(ref _count);

    public void Deactivated() => Interlocked.Decrement(ref _count);
}
