namespace Alerts.Bench.Scenarios;

/// <summary>
/// <c>make bench SCENARIO=join</c>: a second silo joins a cluster of one a quarter into a file of ROWS rows (120,000) at
/// RATE (2,000/s), once with 20,000 users (each idle between its alerts) and once with 2,000 (each with an alert due
/// every second, so its grain never goes idle). Target: the newcomer sends ≥ 0.3 of the webhook requests made after it
/// joined (an even share is 0.5), and every alert is delivered once.
/// </summary>
public static class JoinScenario
{
    private const double DefaultBudget = 2_000;
    private const int DefaultRows = 120_000;
    private const double Share = 0.3;
    private const string Requests = "alerts_webhook_requests_total";

    public static async Task<ScenarioResult[]> RunAsync(BenchOptions options) =>
        [await JoinAsync(options, users: 20_000), await JoinAsync(options, users: 2_000)];

    private static async Task<ScenarioResult> JoinAsync(BenchOptions options, int users)
    {
        var budget = options.Rate > 0 ? options.Rate : DefaultBudget;
        var rows = options.RowsGiven ? options.Rows : DefaultRows;
        var timeout = TimeSpan.FromSeconds(180 + 3 * rows / budget);
        await using var run = await ScenarioCluster.StartAsync(options with { Silos = 1 }, budget);
        var fileId = run.Drop(rows, users);
        await run.UntilAsync(fileId, s => s.Delivered() >= rows / 4, timeout);
        await run.Cluster.AddSiloAsync();
        var firstAtJoin = await run.Cluster.SiloValueAsync(0, Requests);
        var done = await run.CompletedAsync(fileId, timeout);
        var first = await run.Cluster.SiloValueAsync(0, Requests) - firstAtJoin;
        var newcomer = await run.Cluster.SiloValueAsync(1, Requests);
        var share = newcomer / Math.Max(1, first + newcomer);
        var resent = await run.NotifierStatAsync("duplicates");
        run.Done();
        return new($"a second silo joins a quarter into {rows:N0} rows for {users:N0} users at {budget:N0}/s",
            $"≥ {Share:N1} of the requests after it joined; every alert once",
            $"{share:N2} ({newcomer:N0} of {first + newcomer:N0}); {done.Delivered():N0} of {rows:N0} delivered, {resent} re-sent",
            share >= Share && done.Delivered() == rows && resent == 0);
    }
}
