using Orleans.Placement;
using Orleans.Runtime.Placement;

namespace Alerts.Grains.Placement;

/// <summary>
/// Places a grain keyed by a silo's address (<see cref="SiloKeys"/>) on that silo; on the caller's silo when that one
/// is gone, where it still does its work, only without the saving.
/// </summary>
[GenerateSerializer, Immutable, Alias("alerts.SiloPlacement")]
public sealed class SiloPlacement : PlacementStrategy
{
    public static readonly SiloPlacement Instance = new();
}

[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class SiloPlacementAttribute() : PlacementAttribute(SiloPlacement.Instance);

public sealed class SiloPlacementDirector : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var compatible = context.GetCompatibleSilos(target);
        var named = SiloKeys.Silo(target.GrainIdentity.Key.ToString()!);
        if (named is not null && compatible.Contains(named)) return Task.FromResult(named);
        return Task.FromResult(compatible.Contains(context.LocalSilo) ? context.LocalSilo : compatible[Random.Shared.Next(compatible.Length)]);
    }
}

/// <summary>The key of a grain that lives on one silo: the silo's parsable address.</summary>
public static class SiloKeys
{
    public static string Of(SiloAddress silo) => silo.ToParsableString();

    /// <summary>The silo a key names; null for any other key (placed as if its silo were gone).</summary>
    public static SiloAddress? Silo(string key) => SiloAddress.TryParse(key, null, out var silo) ? silo : null;
}
