namespace Alerts.Bench.Processes;

/// <summary>
/// Which cores each process may use when silos are pinned: silo n (1-based) gets its own block of cores, and
/// Redis, the notifier and the gateway share the cores after the last block, so each silo behaves like a host of
/// its own and the receiver's cores are the same whatever the number of silos in a run.
/// </summary>
public sealed record CoreLayout(int CoresPerSilo, int Silos, int Total)
{
    public static CoreLayout For(int total, int silos, int coresPerSilo)
    {
        if (silos * coresPerSilo >= total)
            throw new ArgumentException($"--pin {coresPerSilo} for {silos} silo(s) needs more than {silos * coresPerSilo} cores (Redis, the notifier and the gateway need the rest); this machine has {total}");
        return new CoreLayout(coresPerSilo, silos, total);
    }

    /// <summary>taskset's list for silo <paramref name="n"/>.</summary>
    public string Silo(int n) => Range((n - 1) * CoresPerSilo, n * CoresPerSilo - 1);

    /// <summary>Every silo block: where the bench's own load generator runs (the silos are idle while it does).</summary>
    public string AllSilos => Range(0, Silos * CoresPerSilo - 1);

    /// <summary>The cores after the silos' blocks: Redis, the notifier, the gateway.</summary>
    public string Rest => Range(Silos * CoresPerSilo, Total - 1);

    /// <summary>The affinity mask for <see cref="AllSilos"/>.</summary>
    public nint AllSilosMask() => (nint)((1L << (Silos * CoresPerSilo)) - 1);

    private static string Range(int first, int last) => first == last ? $"{first}" : $"{first}-{last}";
}
