using Alerts.Bench.Processes;
using Alerts.Faults;

namespace Alerts.Bench.Scenarios;

/// <summary>
/// <c>make bench SCENARIO=freeze|partition</c>: a silo that stops answering without dying, mid-file, in a cluster of
/// three (SILOS when given). The silo chosen is the one holding the rate limiter, the worst to lose: every silo's
/// leases wait on it. The budget is RATE (default 1,000/s); the file is ROWS rows (80,000) over USERS users; the fault
/// lasts OUTAGE seconds (45 for a freeze, 60 for a partition, unless given). Targets: from 15 s after the fault began
/// until it ends, the others deliver ≥ 0.8 of the budget; afterwards every alert is delivered, ≤ 50 of them twice (the
/// same Idempotency-Key, as the receiver counts repeats), and the faulty silo, declared dead meanwhile, stops itself.
/// </summary>
public static class SiloFaultScenarios
{
    private const double DefaultBudget = 1_000;
    private const int DefaultRows = 80_000;
    private static readonly TimeSpan Detection = TimeSpan.FromSeconds(15); // the target allows this long before the others are back at the budget
    private const double Held = 0.8; // of the budget, delivered by the others from Detection after the fault until it ends
    private const int MaxResent = 50;

    /// <summary>The limiter's silo frozen (SIGSTOP), then thawed (SIGCONT).</summary>
    public static Task<ScenarioResult[]> FreezeAsync(BenchOptions options) =>
        RunAsync(options, "frozen", TimeSpan.FromSeconds(45), (_, victim) => ProcessFreeze.Of(victim.Id));

    /// <summary>
    /// The limiter's silo cut off (no Redis, no other silo, no gateway reaching it; the webhook still reachable from it)
    /// by a cgroup of its own and iptables rules, then healed.
    /// </summary>
    public static Task<ScenarioResult[]> PartitionAsync(BenchOptions options)
    {
        if (NetworkPartition.WhyUnavailable() is { } why) throw new InvalidOperationException($"SCENARIO=partition cannot run here: {why}");
        return RunAsync(options, "cut off", TimeSpan.FromSeconds(60), (cluster, victim) =>
        {
            var index = int.Parse(victim.Name["silo-".Length..]) - 1;
            var cgroup = cluster.SiloCgroup(index) ?? throw new InvalidOperationException("the silo did not start in a cgroup of its own");
            return NetworkPartition.CutOff(cgroup, stillReaches: [cluster.NotifierPort], listensOn: [cluster.SiloPorts[index].Silo, cluster.SiloPorts[index].Gateway]);
        });
    }

    private static async Task<ScenarioResult[]> RunAsync(BenchOptions options, string fault, TimeSpan defaultLength, Func<BenchCluster, BenchProcess, IDisposable> begin)
    {
        var budget = options.Rate > 0 ? options.Rate : DefaultBudget;
        var length = options.OutageGiven ? TimeSpan.FromSeconds(options.OutageSeconds) : defaultLength;
        var silos = options.SilosGiven ? options.Silos : 3;
        await using var run = await ScenarioCluster.StartAsync(options with { Silos = silos }, budget);
        var rows = options.RowsGiven ? options.Rows : DefaultRows;
        var fileId = run.Drop(rows, options.Users);
        await run.UntilAsync(fileId, s => s.Delivered() >= rows / 6, Timeout(rows, budget));
        var victim = await LimiterSiloAsync(run);
        run.MayExit(victim);
        var startedAt = DateTimeOffset.UtcNow;
        using (begin(run.Cluster, victim)) await Task.Delay(length);
        var endedAt = DateTimeOffset.UtcNow;
        var done = await run.CompletedAsync(fileId, Timeout(rows, budget));
        var perSecond = await run.PerSecondAsync(fileId, done);
        Console.WriteLine($"  delivered per second: {string.Join(' ', perSecond)}");
        var faultSecond = (int)Math.Floor((startedAt - done.DiscoveredAt()).TotalSeconds);
        var from = faultSecond + (int)Detection.TotalSeconds;
        var to = Math.Min((int)Math.Floor((endedAt - done.DiscoveredAt()).TotalSeconds), perSecond.Length);
        var held = to > from ? perSecond[from..to].Average() : double.NaN;
        var back = Array.FindIndex(perSecond, faultSecond + 3, n => n >= Held * budget) - faultSecond;
        var resent = await run.NotifierStatAsync("duplicates");
        var stopped = await ExitedAsync(victim, TimeSpan.FromSeconds(30));
        return run.Done([new($"the limiter's silo, one of {silos}, {fault} {length.TotalSeconds:N0} s, {budget:N0}/s budget, {rows:N0} rows",
            $"≥ {Held:P0} of the budget from {Detection.TotalSeconds:N0} s into the fault; all delivered, ≤ {MaxResent} re-sent; the faulty silo stops",
            $"{held / budget:P0} of the budget from {Detection.TotalSeconds:N0} s to the end (back at ≥ {Held:P0} {back} s in); {done.Delivered():N0} of {rows:N0} delivered, {resent} re-sent; the faulty silo {(stopped ? "stopped" : "still runs")}",
            held >= Held * budget && done.Delivered() == rows && resent <= MaxResent && stopped)]);
    }

    /// <summary>The silo that holds the rate limiter: the worst one to lose, since every silo's leases wait on it.</summary>
    private static async Task<BenchProcess> LimiterSiloAsync(ScenarioCluster run)
    {
        for (var silo = 0; silo < run.Cluster.SiloMetricsPorts.Count; silo++)
            if (await run.Cluster.SiloValueAsync(silo, "alerts_ratelimit_limiters_here") > 0)
                return run.Cluster.Processes.First(p => p.Name == $"silo-{silo + 1}");
        throw new InvalidOperationException("no silo reports the rate limiter");
    }

    private static async Task<bool> ExitedAsync(BenchProcess process, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (!process.HasExited && DateTime.UtcNow < deadline) await Task.Delay(250);
        return process.HasExited;
    }

    private static TimeSpan Timeout(int rows, double rate) => TimeSpan.FromSeconds(180 + 3 * rows / rate);
}
