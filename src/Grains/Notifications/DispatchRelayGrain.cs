using Alerts.Grains.Common;
using Alerts.Grains.Interfaces;
using Alerts.Grains.Interfaces.Model;
using Alerts.Grains.Placement;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;

namespace Alerts.Grains.Notifications;

/// <summary>Hands the alerts a segment on another silo sent in one message to their users' grains, here at their home.</summary>
[Reentrant]
[SiloPlacement]
public sealed partial class DispatchRelayGrain(ILogger<DispatchRelayGrain> log) : Grain, IDispatchRelayGrain
{
    public Task DispatchAsync(IReadOnlyList<IReadOnlyList<Alert>> byUser)
    {
        foreach (var alerts in byUser)
        {
            try
            {
                _ = GrainFactory.GetGrainByKey<INotificationGrain>(alerts[0].UserId).DispatchAsync(alerts); // one-way: completes at once
            }
            catch (Exception error)
            {
                // Unconfirmed, these stay in their segment's window and are dispatched again on its next beat.
                LogRelayFailed(error, alerts[0].UserId, alerts.Count);
            }
        }
        return Task.CompletedTask;
    }

    [LoggerMessage(LogLevel.Warning, "Relaying {Count} alerts to user {UserId} failed; their segment will dispatch them again")]
    private partial void LogRelayFailed(Exception error, string userId, int count);
}
