namespace Alerts.Grains.Placement;

/// <summary>
/// Which silo is a key's home: rendezvous hashing over the active silos. Every silo that sees the same members picks
/// the same home for a key, each silo is home to an even share of keys, and a silo that joins or leaves moves only the
/// keys it takes or held. (Orleans' own directory ring gives each silo the arc up to the next, which with few silos
/// can be nine tenths to one.)
/// </summary>
public sealed class HomeRing
{
    public static readonly HomeRing Empty = new([]);
    private readonly SiloAddress[] _silos;
    private readonly ulong[] _seeds;

    public HomeRing(IEnumerable<SiloAddress> silos)
    {
        // Sorted, so that a tie (a one-in-2^64 chance) goes the same way on every silo.
        _silos = [.. silos.Distinct().OrderBy(s => s.ToParsableString(), StringComparer.Ordinal)];
        _seeds = [.. _silos.Select(s => Mix((ulong)(uint)s.GetConsistentHashCode() << 32 | (uint)s.Generation))];
    }

    /// <summary>The home of a grain; null when no silo is active.</summary>
    public SiloAddress? HomeOf(GrainId grain) => HomeOf(grain.GetUniformHashCode());

    /// <summary>The home of a key with this (uniform, stable) hash; null when no silo is active.</summary>
    public SiloAddress? HomeOf(uint keyHash)
    {
        var best = -1;
        var bestScore = 0UL;
        for (var i = 0; i < _silos.Length; i++)
        {
            var score = Mix(_seeds[i] ^ keyHash);
            if (best < 0 || score > bestScore) (best, bestScore) = (i, score);
        }
        return best < 0 ? null : _silos[best];
    }

    // SplitMix64's finalizer: every input bit moves every output bit, so scores of one key on two silos are unrelated.
    private static ulong Mix(ulong x)
    {
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }
}
