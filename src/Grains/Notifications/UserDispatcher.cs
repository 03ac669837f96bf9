using Alerts.Grains.Common;
using Alerts.Grains.Interfaces;
using Alerts.Grains.Interfaces.Model;
using Alerts.Grains.Placement;

namespace Alerts.Grains.Notifications;

/// <summary>
/// Sends alerts to their users' grains: a user at home on this silo directly, the users of each other silo in one
/// message to that silo's <see cref="IDispatchRelayGrain"/>. One-way throughout: outcomes come back as confirmations,
/// and what is lost on the way stays unconfirmed and is dispatched again.
/// </summary>
public sealed class UserDispatcher(IGrainFactory grains, UserHomes homes)
{
    /// <summary>Dispatches <paramref name="alerts"/>; those whose send fails at once are passed to <paramref name="failed"/>.</summary>
    public void Dispatch(IEnumerable<Alert> alerts, Action<IReadOnlyList<Alert>, Exception> failed)
    {
        var byUser = new Dictionary<string, List<Alert>>();
        foreach (var alert in alerts)
        {
            if (!byUser.TryGetValue(alert.UserId, out var userAlerts)) byUser.Add(alert.UserId, userAlerts = []);
            userAlerts.Add(alert);
        }
        Dictionary<SiloAddress, List<IReadOnlyList<Alert>>>? away = null;
        foreach (var (userId, userAlerts) in byUser)
        {
            var user = grains.GetGrainByKey<INotificationGrain>(userId);
            if (homes.HomeElsewhere(user.GetGrainId()) is not { } home)
            {
                try
                {
                    _ = user.DispatchAsync(userAlerts); // one-way: completes at once
                }
                catch (Exception error)
                {
                    failed(userAlerts, error);
                }
                continue;
            }
            away ??= [];
            if (!away.TryGetValue(home, out var batch)) away.Add(home, batch = []);
            batch.Add(userAlerts);
        }
        if (away is null) return;
        foreach (var (silo, batch) in away)
        {
            try
            {
                _ = grains.GetGrainByKey<IDispatchRelayGrain>(SiloKeys.Of(silo)).DispatchAsync(batch); // one-way
            }
            catch (Exception error)
            {
                failed([.. batch.SelectMany(userAlerts => userAlerts)], error);
            }
        }
    }
}
