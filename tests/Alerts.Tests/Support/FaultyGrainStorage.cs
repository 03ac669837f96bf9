using Orleans.Storage;

namespace Alerts.Tests.Support;

/// <summary>
/// Grain storage that fails the next write of the grains a test names, once each, and otherwise passes
/// everything to the real (in-memory) storage: a Redis write lost at the worst moment, on demand.
/// </summary>
public sealed class FaultyGrainStorage(IGrainStorage inner) : IGrainStorage
{
    private static readonly HashSet<string> FailNext = [];

    /// <summary>The next write of a grain of this type (with this string key, when given) throws.</summary>
    public static void FailNextWriteOf(string grainType, string? key = null)
    {
        lock (FailNext) FailNext.Add($"{grainType}/{key}");
    }

    /// <summary>Whether that fault is still waiting for a write.</summary>
    public static bool IsArmed(string grainType, string? key = null)
    {
        lock (FailNext) return FailNext.Contains($"{grainType}/{key}");
    }

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => inner.ReadStateAsync(stateName, grainId, grainState);

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        lock (FailNext)
        {
            if (FailNext.Remove($"{grainId.Type}/{grainId.Key}") || FailNext.Remove($"{grainId.Type}/"))
                throw new IOException($"injected: writing {grainId} failed");
        }
        return inner.WriteStateAsync(stateName, grainId, grainState);
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => inner.ClearStateAsync(stateName, grainId, grainState);
}
