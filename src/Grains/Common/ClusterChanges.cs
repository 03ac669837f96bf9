using Microsoft.Extensions.Hosting;

namespace Alerts.Grains.Common;

/// <summary>
/// Counts silos seen to crash: dead without having announced a graceful stop. A file whose users' grains may
/// have died with such a silo reads it on its heartbeat and re-dispatches its window at once, instead of
/// waiting for the re-dispatch timeout. A silo that stops gracefully drains its deliveries first, so it
/// triggers no mass re-dispatch (which, while the grain directory settles, could reach a second activation
/// of a user still sending on a surviving silo). A death counts only <see cref="TakeOverAfter"/> after it was seen: a silo
/// declared dead while it still runs (frozen, or cut off from the others but not from Redis) may send until its own
/// membership confirmation goes stale (<see cref="SiloLiveness.Freshness"/>), and what it sends then must not be
/// dispatched to another silo too.
/// </summary>
public sealed class ClusterChanges(IClusterMembershipService membership, TimeProvider time) : BackgroundService
{
    /// <summary>How long after a silo is seen dead its alerts are taken over: its own fence has closed by then.</summary>
    public static readonly TimeSpan TakeOverAfter = SiloLiveness.Freshness + TimeSpan.FromSeconds(1);
    private readonly Lock _lock = new();
    private readonly HashSet<SiloAddress> _stoppedGracefully = [];
    private readonly Dictionary<SiloAddress, long> _crashedSeenAt = [];
    private bool _seenFirst;

    /// <summary>Silos dead without a graceful stop for at least <see cref="TakeOverAfter"/>, as far as this silo has seen; it only grows while the cluster lives.</summary>
    public int CrashedSilos
    {
        get
        {
            lock (_lock) return _crashedSeenAt.Values.Count(seen => time.GetElapsedTime(seen) >= TakeOverAfter);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(stoppingToken))
        {
            lock (_lock)
            {
                foreach (var member in snapshot.Members.Values)
                {
                    if (member.Status is SiloStatus.ShuttingDown or SiloStatus.Stopping) _stoppedGracefully.Add(member.SiloAddress);
                    else if (member.Status == SiloStatus.Dead && !_stoppedGracefully.Contains(member.SiloAddress))
                        _crashedSeenAt.TryAdd(member.SiloAddress, _seenFirst ? time.GetTimestamp() : 0); // dead before this silo started: long settled
                }
                _seenFirst = true;
            }
        }
    }
}
