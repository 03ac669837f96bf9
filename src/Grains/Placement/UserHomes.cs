using Microsoft.Extensions.Hosting;

namespace Alerts.Grains.Placement;

/// <summary>
/// This silo's view of where each user lives (<see cref="HomeRing"/> over the active silos, updated as membership
/// changes). Users' grains are placed at home, a segment sends each home silo one message for all its users, and a
/// user's grain found away from home (a silo joined, or it was placed on an older view) migrates home once idle.
/// Views differ only briefly while membership settles; a user reached away from home is still reached.
/// </summary>
public sealed class UserHomes(IClusterMembershipService membership, ILocalSiloDetails local) : BackgroundService
{
    private volatile HomeRing _ring = HomeRing.Empty;

    public SiloAddress LocalSilo => local.SiloAddress;

    /// <summary>The user's home, or null before this silo has seen an active silo.</summary>
    public SiloAddress? HomeOf(GrainId user) => _ring.HomeOf(user);

    /// <summary>The user's home when that is another silo; null when it is this one, or there is no other to go to.</summary>
    public SiloAddress? HomeElsewhere(GrainId user) => HomeOf(user) is { } home && !home.Equals(LocalSilo) ? home : null;

    /// <summary>Whether a grain on this silo is at home, or has no other home to go to.</summary>
    public bool IsAtHome(GrainId user) => HomeElsewhere(user) is null;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(stoppingToken))
            _ring = new HomeRing(snapshot.Members.Values.Where(m => m.Status == SiloStatus.Active).Select(m => m.SiloAddress));
    }
}
