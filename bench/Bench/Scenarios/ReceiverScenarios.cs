using System.Text.Json;
using Alerts.Bench.Processes;

namespace Alerts.Bench.Scenarios;

/// <summary>
/// <c>make bench SCENARIO=…</c>: the sender against a receiver that misbehaves as real APIs do, each scenario in a
/// fresh cluster and checked against its target. The budget is RATE (default 200/s); files are ROWS rows (20 s at
/// the budget by default) over USERS users.
/// </summary>
public static class ReceiverScenarios
{
    public const double DefaultBudget = 200;
    private static readonly TimeSpan MaxRetryAfter = TimeSpan.FromSeconds(60); // the sender's default cap
    private const double Slack = 15; // seconds a target allows beyond the budget's own pace

    public static readonly IReadOnlyDictionary<string, Func<BenchOptions, Task<ScenarioResult[]>>> All =
        new Dictionary<string, Func<BenchOptions, Task<ScenarioResult[]>>>
        {
            ["one-429"] = OneLight429Async,
            ["retry-after"] = AbsurdRetryAfterAsync,
            ["outage"] = options => OutageAsync(options, "Refuse"),
            ["outage-503"] = options => OutageAsync(options, "Status"),
            ["redirect"] = RedirectAsync,
            ["lower-limit"] = LowerLimitAsync,
            ["memory"] = MemoryAfterBurstAsync,
            ["heavy-user"] = HeavyUserAsync,
            ["scattered-429"] = Scattered429Async,
            ["freeze"] = SiloFaultScenarios.FreezeAsync,
            ["partition"] = SiloFaultScenarios.PartitionAsync,
            ["join"] = JoinScenario.RunAsync,
            ["pause"] = OperatorScenarios.PauseAsync,
            ["eta"] = OperatorScenarios.EtaAsync,
            ["cancel"] = OperatorScenarios.CancelAsync,
            ["priority"] = OperatorScenarios.PriorityAsync,
            ["schedule"] = OperatorScenarios.ScheduleAsync,
        };

    /// <summary>
    /// The receiver refuses a fifth of requests at random, whatever the rate, each with Retry-After: 1. A fifth of
    /// the budget goes to requests refused, so at best 0.8 of it is delivered; the file (ROWS, default 60 s at the
    /// budget, long enough for the start's pauses to weigh little) must go at ≥ 0.65 of the budget.
    /// Pausing everyone for each new 429 once delivered 3,000 rows at 500/s in over three minutes.
    /// </summary>
    private static async Task<ScenarioResult[]> Scattered429Async(BenchOptions options)
    {
        await using var run = await ScenarioCluster.StartAsync(options, Budget(options));
        await run.ChaosAsync(new { throttleShare = 0.2, retryAfter = "1" });
        var rows = options.RowsGiven ? options.Rows : (int)(60 * run.Budget);
        var fileId = run.Drop(rows, options.Users);
        var done = await run.CompletedAsync(fileId, Timeout(rows, run.Budget));
        var perSecond = await run.PerSecondAsync(fileId, done);
        Console.WriteLine($"  delivered per second: {string.Join(' ', perSecond)}");
        var throttled = await run.NotifierStatAsync("throttled");
        var received = await run.NotifierStatAsync("received");
        var pauses = await run.Cluster.SiloCounterAsync("alerts_ratelimit_pauses_total");
        var share = rows / done.Seconds() / run.Budget;
        return run.Done([new($"a fifth of requests refused at random, {run.Budget:N0}/s budget", "≥ 0.65 of the budget delivered over the file (0.8 at best)",
            $"{done.Seconds():N1} s, {share:P0} of the budget, {done.Delivered():N0} of {rows:N0} delivered; {throttled:N0} 429s of {received:N0} requests; {pauses} pauses over the silos",
            share >= 0.65 && done.Delivered() == rows)]);
    }

    /// <summary>
    /// One file of 1,000,000 users (ROWS when given; one alert each, the commonest shape), as fast as it goes: each
    /// silo at most 1 GB resident at its peak and within 1.5 × its memory before the file a minute after it, at most
    /// 100 µs of silo CPU per alert (the silos' CPU summed, over the file).
    /// </summary>
    private static async Task<ScenarioResult[]> MemoryAfterBurstAsync(BenchOptions options)
    {
        var rows = options.RowsGiven ? options.Rows : 1_000_000;
        await using var run = await ScenarioCluster.StartAsync(options, options.Rate);
        var silos = run.Cluster.Processes.Where(p => p.Name.StartsWith("silo")).ToList();
        await run.CompletedAsync(run.Drop(100, 100), TimeSpan.FromMinutes(1)); // warmed up: the start is a running silo, not a cold one
        var atStart = silos.Select(s => s.MemoryMiB()).ToList();
        var cpuBefore = silos.Sum(s => s.CpuSeconds());
        var done = await run.CompletedAsync(run.Drop(rows, rows), TimeSpan.FromMinutes(10));
        var cpuPerAlert = (silos.Sum(s => s.CpuSeconds()) - cpuBefore) * 1e6 / rows;
        var atEnd = silos.Select(s => s.MemoryMiB()).ToList();
        await Task.Delay(TimeSpan.FromMinutes(1));
        var after = silos.Select(s => s.MemoryMiB()).ToList();
        var peak = silos.Select(s => s.PeakMemoryMiB()).ToList();
        var shown = string.Join("; ", silos.Select((s, i) => $"{s.Name}: {atStart[i]:N0} MiB before, {peak[i]:N0} peak, {atEnd[i]:N0} at the end, {after[i]:N0} a minute later"));
        return run.Done([
            new($"memory over {rows:N0} users seen once", "each silo ≤ 1 GB at its peak and ≤ 1.5 × its memory before the file a minute after it",
                $"{done.Delivered():N0} delivered in {done.Seconds():N0} s ({rows / done.Seconds():N0}/s); {shown}",
                peak.All(p => p <= 1024) && after.Zip(atStart).All(m => m.First <= 1.5 * m.Second) && done.Delivered() == rows),
            new($"CPU over {rows:N0} users seen once", "≤ 100 µs of silo CPU per alert", $"{cpuPerAlert:N0} µs per alert over {silos.Count} silos", cpuPerAlert <= 100),
        ]);
    }

    /// <summary>
    /// One user holds a quarter of the file (ROWS, default 20 s at the budget; RATE defaults to 300 here) and the
    /// receiver takes 50 ms per request: the file must still go at ≥ 0.9 of the budget (one attempt at a time per
    /// user took 103 s for 6,000 rows at 300/s).
    /// </summary>
    private static async Task<ScenarioResult[]> HeavyUserAsync(BenchOptions options)
    {
        var budget = options.Rate > 0 ? options.Rate : 300;
        await using var run = await ScenarioCluster.StartAsync(options, budget);
        await run.ChaosAsync(new { latencyMs = 50 });
        var rows = Rows(options, budget);
        var fileId = run.Drop(rows, options.Users, heavyEvery: 4);
        var done = await run.CompletedAsync(fileId, Timeout(rows, budget));
        var perSecond = await run.PerSecondAsync(fileId, done);
        Console.WriteLine($"  delivered per second: {string.Join(' ', perSecond)}");
        var share = rows / done.Seconds() / budget;
        return run.Done([new($"a heavy user (a quarter of {rows:N0} rows), 50 ms receiver, {budget:N0}/s budget", "≥ 0.9 of the budget over the file",
            $"{done.Seconds():N1} s, {share:P0} of the budget, {done.Delivered():N0} delivered", share >= 0.9 && done.Delivered() == rows)]);
    }

    public static double Budget(BenchOptions options) => options.Rate > 0 ? options.Rate : DefaultBudget;

    private static int Rows(BenchOptions options, double rate) => options.RowsGiven ? options.Rows : (int)(20 * rate);

    /// <summary>One 429 while traffic is light; the next file must run at ≥ 0.9 of the budget within 10 s.</summary>
    private static async Task<ScenarioResult[]> OneLight429Async(BenchOptions options)
    {
        await using var run = await ScenarioCluster.StartAsync(options, Budget(options));
        await run.ChaosAsync(new { throttleFirst = 1, retryAfter = "1" });
        await run.CompletedAsync(run.Drop(30, 30), TimeSpan.FromMinutes(2));
        var throttled = await run.NotifierStatAsync("throttled");
        await run.ChaosAsync(new { });
        var rows = Rows(options, run.Budget);
        var fileId = run.Drop(rows, options.Users);
        var done = await run.CompletedAsync(fileId, Timeout(rows, run.Budget));
        var perSecond = await run.PerSecondAsync(fileId, done);
        var reached = Array.FindIndex(perSecond, n => n >= 0.9 * run.Budget);
        var after10 = MeanRate(perSecond, from: 10);
        return run.Done([new("one 429 at light traffic", "≥ 0.9 of the budget within 10 s",
            $"{throttled} 429 on the light file; next file: first second at ≥ 0.9 × budget was second {reached}, {after10 / run.Budget:P0} of the budget from 10 s on, {rows / done.Seconds() / run.Budget:P0} over the file",
            throttled == 1 && reached is >= 0 and <= 10 && (after10 is double.NaN || after10 >= 0.9 * run.Budget))]);
    }

    /// <summary>Retry-After of days and in the past: the cluster keeps delivering within the maximum pause.</summary>
    private static async Task<ScenarioResult[]> AbsurdRetryAfterAsync(BenchOptions options)
    {
        var results = new List<ScenarioResult>();
        foreach (var (name, retryAfter, allowed) in new[] { ("999999", "999999", MaxRetryAfter), ("a date in the past", "Wed, 21 Oct 2015 07:28:00 GMT", TimeSpan.Zero) })
        {
            await using var run = await ScenarioCluster.StartAsync(options, Budget(options));
            await run.ChaosAsync(new { throttleFirst = 1, retryAfter });
            var rows = Rows(options, run.Budget);
            var done = await run.CompletedAsync(run.Drop(rows, options.Users), Timeout(rows, run.Budget) + MaxRetryAfter);
            var limit = rows / run.Budget + allowed.TotalSeconds + Slack;
            results.Add(new($"Retry-After: {name}", $"{rows:N0} rows in ≤ {limit:N0} s (rows ÷ budget + {allowed.TotalSeconds:N0} s pause + {Slack} s)",
                $"{done.Seconds():N1} s, {done.Delivered():N0} delivered, {done.DeadLettered()} dead",
                done.Seconds() <= limit && done.Delivered() == rows));
            run.Done();
        }
        return [.. results];
    }

    /// <summary>
    /// The receiver refuses connections (<paramref name="mode"/> Refuse) or answers 503 to everything (Status, as a
    /// load balancer before a dead service does) for OUTAGE seconds (120) a quarter into a file: no dead letters,
    /// and once it is back the rest goes out at the budget (remaining rows ÷ budget + 15 s at most). With RECEIVER_RATE
    /// the receiver also has that limit, as the bundled notifier of <c>make up</c> does (100/s).
    /// </summary>
    private static async Task<ScenarioResult[]> OutageAsync(BenchOptions options, string mode)
    {
        await using var run = await ScenarioCluster.StartAsync(options, Budget(options), options.ReceiverRate); // a receiver limit too, if RECEIVER_RATE is set
        var rows = Rows(options, run.Budget);
        var fileId = run.Drop(rows, options.Users);
        var before = await run.UntilAsync(fileId, s => s.Delivered() >= rows / 4, Timeout(rows, run.Budget));
        await run.ChaosAsync(new { outageSeconds = options.OutageSeconds, outageMode = mode });
        var outageEnds = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(options.OutageSeconds);
        var duringOutage = await run.UntilAsync(fileId, _ => DateTimeOffset.UtcNow >= outageEnds, TimeSpan.FromSeconds(options.OutageSeconds + 30));
        var remaining = rows - duringOutage.Delivered();
        var done = await run.CompletedAsync(fileId, Timeout(rows, run.Budget));
        var after = (done.CompletedAt() - outageEnds).TotalSeconds;
        var limit = remaining / run.Budget + Slack;
        var perSecond = await run.PerSecondAsync(fileId, done);
        Console.WriteLine($"  delivered per second: {string.Join(' ', perSecond)}");
        return run.Done([new($"outage of {options.OutageSeconds} s ({(mode == "Refuse" ? "connections refused" : "503 to everything")})", $"no dead letters; the {remaining:N0} rows left go out in ≤ {limit:N0} s after it",
            $"{done.DeadLettered()} dead, {done.Delivered():N0} of {rows:N0} delivered ({before.Delivered():N0} before it); done {after:N1} s after it ended",
            done.DeadLettered() == 0 && done.Delivered() == rows && after <= limit)]);
    }

    /// <summary>A webhook answering 307 to another host: nothing recorded Delivered, nothing sent elsewhere.</summary>
    private static async Task<ScenarioResult[]> RedirectAsync(BenchOptions options)
    {
        await using var run = await ScenarioCluster.StartAsync(options, Budget(options));
        await run.ChaosAsync(new { redirectStatus = 307, redirectTo = $"http://127.0.0.1:{BenchCluster.FreePort()}/elsewhere" });
        const int rows = 200;
        var done = await run.CompletedAsync(run.Drop(rows, 50), TimeSpan.FromMinutes(2));
        var redirected = await run.NotifierStatAsync("redirected");
        var written = await run.NotifierStatAsync("written");
        return run.Done([new("redirects (307 to another host)", "0 recorded Delivered; every alert a dead letter saying where it was sent",
            $"{done.Delivered()} delivered, {done.DeadLettered()} dead, {redirected} redirects answered, {written} rows written",
            done.Delivered() == 0 && done.DeadLettered() == rows && written == 0)]);
    }

    /// <summary>The receiver limited below the budget (RECEIVER_RATE, default 0.4 × RATE): ≥ 0.9 of its limit within 10 s, under 1 % 429s.</summary>
    private static async Task<ScenarioResult[]> LowerLimitAsync(BenchOptions options)
    {
        var budget = options.Rate > 0 ? options.Rate : 1_000;
        var limit = options.ReceiverRate > 0 ? options.ReceiverRate : 0.4 * budget;
        await using var run = await ScenarioCluster.StartAsync(options, budget, limit);
        var rows = options.RowsGiven ? options.Rows : (int)(30 * limit);
        var fileId = run.Drop(rows, options.Users);
        var done = await run.CompletedAsync(fileId, Timeout(rows, limit));
        var perSecond = await run.PerSecondAsync(fileId, done);
        Console.WriteLine($"  delivered per second: {string.Join(' ', perSecond)}");
        var after10 = MeanRate(perSecond, from: 10);
        var throttled = await run.NotifierStatAsync("throttled");
        var received = await run.NotifierStatAsync("received");
        return run.Done([new($"receiver limit {limit:N0}/s under a {budget:N0}/s budget", "≥ 0.9 of the limit from 10 s on; < 1 % 429s",
            $"{after10 / limit:P1} of the limit from 10 s on, {rows / done.Seconds() / limit:P1} over the file; {throttled} 429s of {received:N0} requests ({(double)throttled / received:P2})",
            after10 >= 0.9 * limit && throttled < 0.01 * received)]);
    }

    /// <summary>Mean per second over whole seconds from <paramref name="from"/>, leaving out the last (partial) one.</summary>
    private static double MeanRate(int[] perSecond, int from) =>
        perSecond.Length - 1 > from ? perSecond[from..^1].Average() : double.NaN;

    private static TimeSpan Timeout(int rows, double rate) => TimeSpan.FromSeconds(120 + 3 * rows / rate);
}
