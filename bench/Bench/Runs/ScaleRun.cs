namespace Alerts.Bench.Runs;

/// <summary>The same file through one silo and through N, run after run, each pair back to back so both see the same machine.</summary>
public sealed record ScaleResult(IReadOnlyList<EndToEndResult> OneSilo, IReadOnlyList<EndToEndResult> ManySilos);

public static class ScaleRun
{
    public static async Task<ScaleResult> RunAsync(BenchOptions options)
    {
        var one = new List<EndToEndResult>();
        var many = new List<EndToEndResult>();
        for (var run = 1; run <= options.Runs; run++)
        {
            Console.WriteLine($"bench: run {run} of {options.Runs}: one silo, then {options.Silos}…");
            one.Add(await FreshClusterRun.RunAsync(options with { Silos = 1 }));
            many.Add(await FreshClusterRun.RunAsync(options));
        }
        return new ScaleResult(one, many);
    }
}
