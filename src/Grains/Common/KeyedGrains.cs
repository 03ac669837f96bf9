namespace Alerts.Grains.Common;

/// <summary>
/// References to string-keyed grains on the per-alert paths. Orleans' <c>GetGrain&lt;T&gt;(key)</c> resolves the
/// interface's grain type by formatting its name on every call, a few percent of a busy silo's CPU and allocations;
/// here the grain and interface types are resolved once per interface and each reference is made from its id.
/// </summary>
public static class KeyedGrains
{
    public static T GetGrainByKey<T>(this IGrainFactory grains, string key) where T : IGrainWithStringKey =>
        Resolved<T>.Types is { } types ? (T)grains.GetGrain(GrainId.Create(types.Grain, key), types.Interface) : Resolved<T>.First(grains, key);

    private static class Resolved<T> where T : IGrainWithStringKey
    {
        public static GrainTypes? Types;

        public static T First(IGrainFactory grains, string key)
        {
            var grain = grains.GetGrain<T>(key);
            var reference = (GrainReference)(object)grain;
            Types = new GrainTypes(reference.GrainId.Type, reference.InterfaceType);
            return grain;
        }
    }

    private sealed record GrainTypes(GrainType Grain, GrainInterfaceType Interface);
}
