using Microsoft.Extensions.Hosting;

namespace Alerts.Grains.Common;

/// <summary>
/// Counts silos seen to crash: dead without having announced a graceful stop. A file whose users' grains may
/// have died with such a silo reads it on its heartbeat and re-dispatches its window at once, instead of
/// waiting for the re-dispatch timeout. A silo that stops gracefully drains its deliveries first, so it
/// triggers no mass re-dispatch (which, while the grain directory settles, could reach a second activation
/// of a user still sending on a surviving silo).
/// </summary>
public sealed class ClusterChanges(IClusterMembershipService membership) : BackgroundService
{
    private readonly HashSet<SiloAddress> _stoppedGracefully = [];
    private int _crashedSilos;

    /// <summary>Silos dead without a graceful stop, as far as this silo has seen; it only grows while the cluster lives.</summary>
    public int CrashedSilos => Volatile.Read(ref _crashedSilos);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(stoppingToken))
        {
            foreach (var member in snapshot.Members.Values.Where(m => m.Status is SiloStatus.ShuttingDown or SiloStatus.Stopping))
                _stoppedGracefully.Add(member.SiloAddress);
            Volatile.Write(ref _crashedSilos, snapshot.Members.Values.Count(m => m.Status == SiloStatus.Dead && !_stoppedGracefully.Contains(m.SiloAddress)));
        }
    }
}
