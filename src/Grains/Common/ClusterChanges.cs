using Microsoft.Extensions.Hosting;

namespace Alerts.Grains.Common;

/// <summary>
/// Counts silo deaths seen by this silo. A file whose users' grains may have died with a silo reads it
/// on its heartbeat and re-dispatches its window at once, instead of waiting for the re-dispatch timeout.
/// </summary>
public sealed class ClusterChanges(IClusterMembershipService membership) : BackgroundService
{
    private int _deadSilos;

    /// <summary>Dead silos in the latest membership snapshot; it only grows while the cluster lives.</summary>
    public int DeadSilos => Volatile.Read(ref _deadSilos);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(stoppingToken))
            Volatile.Write(ref _deadSilos, snapshot.Members.Values.Count(m => m.Status == SiloStatus.Dead));
    }
}
