using System.Collections.Immutable;

namespace Alerts.Grains.Placement;

/// <summary>
/// Which silo is a key's home: a hash ring over the active silos, each holding <see cref="PartitionsPerSilo"/> arcs that
/// start (exclusively) at its <see cref="Boundaries"/>. Orleans' grain directory is partitioned on the same ring
/// (<c>GrainDirectoryOptions</c>), so a user placed at home is registered and found without leaving its silo. Every silo
/// that sees the same members picks the same home for a key, each silo is home to a near-even share, and a silo that
/// joins or leaves moves only the keys it takes or held.
/// </summary>
public sealed class HomeRing
{
    /// <summary>Arcs per silo: enough that each silo's share is within a few percent of even.</summary>
    public const int PartitionsPerSilo = 256;

    public static readonly HomeRing Empty = new([]);
    private readonly uint[] _starts;
    private readonly SiloAddress[] _owners;

    public HomeRing(IEnumerable<SiloAddress> silos)
    {
        // Ordered as Orleans' directory orders its ring, so that a shared boundary (a one-in-2^32 chance) goes the same way.
        var members = silos.Distinct().Order().ToArray();
        var arcs = members
            .SelectMany((silo, member) => Boundaries(silo, PartitionsPerSilo).Select((start, partition) => (start, partition, member)))
            .OrderBy(arc => arc.start).ThenBy(arc => arc.partition).ThenBy(arc => arc.member)
            .DistinctBy(arc => arc.start)
            .ToArray();
        _starts = [.. arcs.Select(arc => arc.start)];
        _owners = [.. arcs.Select(arc => members[arc.member])];
    }

    /// <summary>A silo's arc starts: the directory's partition boundaries (<c>GrainDirectoryOptions.GetPartitionBoundaries</c>).</summary>
    public static ImmutableArray<uint> Boundaries(SiloAddress silo, int count) => [.. silo.GetUniformHashCodes(count)];

    /// <summary>The home of a grain; null when no silo is active.</summary>
    public SiloAddress? HomeOf(GrainId grain) => HomeOf(grain.GetUniformHashCode());

    /// <summary>The home of a key with this (uniform, stable) hash: the owner of the arc (start, next start] holding it; null when no silo is active.</summary>
    public SiloAddress? HomeOf(uint keyHash)
    {
        if (_starts.Length == 0) return null;
        // The last start below the key; a key at or below the first start is on the arc that wraps past zero.
        var index = Array.BinarySearch(_starts, keyHash);
        var arc = (index >= 0 ? index : ~index) - 1;
        return _owners[arc >= 0 ? arc : _starts.Length - 1];
    }
}
