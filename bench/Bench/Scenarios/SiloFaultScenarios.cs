using Alerts.Bench.Processes;

namespace Alerts.Bench.Scenarios;

/// <summary>
/// <c>make bench SCENARIO=freeze</c>: a silo that stops answering without dying, mid-file, in a cluster of at least
/// three. The budget is RATE (default 1,000/s); the file is ROWS rows (80,000) over USERS users; the fault lasts
/// OUTAGE seconds (45 here unless given).
/// </summary>
public static class SiloFaultScenarios
{
    private const double DefaultBudget = 1_000;
    private const int DefaultRows = 80_000;
    private static readonly TimeSpan Detection = TimeSpan.FromSeconds(15); // the target allows this long before the others are back at the budget
    private const double Held = 0.8; // of the budget, delivered by the others from Detection after the fault until it ends
    private const int MaxResent = 50;

    /// <summary>
    /// One of three silos frozen (SIGSTOP) for 45 s a sixth into the file, then thawed (SIGCONT). From 15 s after
    /// the freeze the others deliver ≥ 0.8 of the budget; afterwards every alert is delivered, ≤ 50 of them twice
    /// (the same Idempotency-Key), and the thawed silo, declared dead meanwhile, stops itself.
    /// </summary>
    public static async Task<ScenarioResult[]> FreezeAsync(BenchOptions options)
    {
        var budget = options.Rate > 0 ? options.Rate : DefaultBudget;
        var seconds = options.OutageGiven ? options.OutageSeconds : 45;
        await using var run = await ScenarioCluster.StartAsync(options with { Silos = Math.Max(3, options.Silos) }, budget);
        var rows = options.RowsGiven ? options.Rows : DefaultRows;
        var fileId = run.Drop(rows, options.Users);
        await run.UntilAsync(fileId, s => s.Delivered() >= rows / 6, Timeout(rows, budget));
        var victim = run.Cluster.Processes.First(p => p.Name == "silo-1");
        run.MayExit(victim);
        var frozenAt = DateTimeOffset.UtcNow;
        victim.Signal("STOP");
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(seconds));
        }
        finally
        {
            victim.Signal("CONT");
        }
        var thawedAt = DateTimeOffset.UtcNow;
        var done = await run.CompletedAsync(fileId, Timeout(rows, budget));
        var perSecond = await run.PerSecondAsync(fileId, done);
        Console.WriteLine($"  delivered per second: {string.Join(' ', perSecond)}");
        var from = (int)Math.Ceiling((frozenAt + Detection - done.DiscoveredAt()).TotalSeconds);
        var to = (int)Math.Floor((thawedAt - done.DiscoveredAt()).TotalSeconds);
        var held = to > from ? perSecond[from..Math.Min(to, perSecond.Length)].Average() : double.NaN;
        var firstBack = Array.FindIndex(perSecond, Math.Max(0, from - (int)Detection.TotalSeconds), n => n >= Held * budget) - (from - (int)Detection.TotalSeconds);
        var resent = await run.NotifierStatAsync("duplicates");
        var exited = await ExitedAsync(victim, TimeSpan.FromSeconds(30));
        return [new($"one of {Math.Max(3, options.Silos)} silos frozen {seconds:N0} s, {budget:N0}/s budget, {rows:N0} rows",
            $"≥ {Held:P0} of the budget from {Detection.TotalSeconds:N0} s after the freeze; all delivered, ≤ {MaxResent} re-sent; the thawed silo stops",
            $"{held / budget:P0} of the budget from {Detection.TotalSeconds:N0} s to the thaw (first second at ≥ {Held:P0}: {firstBack} s after the freeze); {done.Delivered():N0} of {rows:N0} delivered, {resent} re-sent; thawed silo {(exited ? "stopped" : "still running")}",
            held >= Held * budget && done.Delivered() == rows && resent <= MaxResent && exited)];
    }

    private static async Task<bool> ExitedAsync(BenchProcess process, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (!process.HasExited && DateTime.UtcNow < deadline) await Task.Delay(250);
        return process.HasExited;
    }

    private static TimeSpan Timeout(int rows, double rate) => TimeSpan.FromSeconds(180 + 3 * rows / rate);
}
