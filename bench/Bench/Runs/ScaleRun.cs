namespace Alerts.Bench.Runs;

/// <summary>
/// The same rows through one silo and through N, run after run, each pair back to back so both see the same machine,
/// and after each pair the receiver's own capacity: a plain client posting the rows to a fresh notifier on the same cores.
/// </summary>
public sealed record ScaleResult(IReadOnlyList<EndToEndResult> OneSilo, IReadOnlyList<EndToEndResult> ManySilos, IReadOnlyList<BaselineResult> Receiver);

public static class ScaleRun
{
    public static async Task<ScaleResult> RunAsync(BenchOptions options)
    {
        var one = new List<EndToEndResult>();
        var many = new List<EndToEndResult>();
        var receiver = new List<BaselineResult>();
        for (var run = 1; run <= options.Runs; run++)
        {
            Console.WriteLine($"bench: run {run} of {options.Runs}: one silo, then {options.Silos}, then the receiver alone…");
            one.Add(await FreshClusterRun.RunAsync(options with { Silos = 1 }));
            many.Add(await FreshClusterRun.RunAsync(options));
            var work = Directory.CreateTempSubdirectory("alerts-baseline-").FullName;
            receiver.Add(await BaselineRun.RunAsync(options, work));
            Directory.Delete(work, recursive: true);
        }
        return new ScaleResult(one, many, receiver);
    }
}
