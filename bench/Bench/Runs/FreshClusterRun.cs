using Alerts.Bench.Processes;

namespace Alerts.Bench.Runs;

public static class FreshClusterRun
{
    /// <summary>Starts a cluster of <see cref="BenchOptions.Silos"/> silos, sends one file through it and stops it.</summary>
    public static async Task<EndToEndResult> RunAsync(BenchOptions options)
    {
        await using var cluster = await BenchCluster.StartAsync(options);
        var result = await EndToEndRun.RunAsync(cluster, options);
        cluster.Succeeded = true;
        return result;
    }
}
