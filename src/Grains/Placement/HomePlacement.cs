using Orleans.Placement;
using Orleans.Runtime.Placement;

namespace Alerts.Grains.Placement;

/// <summary>Places a grain on its key's home silo (<see cref="UserHomes"/>); on a compatible silo at random when that silo is not one.</summary>
[GenerateSerializer, Immutable, Alias("alerts.HomePlacement")]
public sealed class HomePlacement : PlacementStrategy
{
    public static readonly HomePlacement Instance = new();
}

[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class HomePlacementAttribute() : PlacementAttribute(HomePlacement.Instance);

public sealed class HomePlacementDirector(UserHomes homes) : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var compatible = context.GetCompatibleSilos(target);
        var home = homes.HomeOf(target.GrainIdentity);
        return Task.FromResult(home is not null && compatible.Contains(home) ? home : compatible[Random.Shared.Next(compatible.Length)]);
    }
}
