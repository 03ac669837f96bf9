using Alerts.Bench;
using Alerts.Bench.Reporting;
using Alerts.Bench.Runs;
using Alerts.Bench.Scenarios;

// make bench: one generated file end to end through a fresh cluster, then the same rows from a plain
// HttpClient loop straight to a fresh notifier; prints a table, writes JSON and an SVG chart.
// With --scale: the file through one silo and through --silos silos, --runs times, instead of the baseline.
// With --scenario: the misbehaving-receiver scenarios, each checked against its target.
var options = BenchOptions.Parse(args);
Directory.CreateDirectory(options.Out);
// Pinned: the bench's own load generator runs on the silos' cores, idle while it works, never on the receiver's.
if (options.Cores is { } cores && OperatingSystem.IsLinux()) System.Diagnostics.Process.GetCurrentProcess().ProcessorAffinity = cores.AllSilosMask();
if (options.Scenarios.Count > 0) return await ScenariosAsync(options);
return options.Scale ? await CompareSilosAsync(options) : await AgainstBaselineAsync(options);

static async Task<int> ScenariosAsync(BenchOptions options)
{
    var results = new List<ScenarioResult>();
    foreach (var name in options.Scenarios)
    {
        Console.WriteLine($"bench: scenario {name}, {options.Silos} silo(s)…");
        var outcome = await ReceiverScenarios.All[name](options);
        foreach (var result in outcome) Console.WriteLine($"  {(result.Met ? "met" : "MISSED")}: {result.Name}: {result.Measured}");
        results.AddRange(outcome);
    }
    var report = new ScenarioReport(DateTimeOffset.UtcNow, Environment.ProcessorCount, options, results);
    var name2 = Path.Combine(options.Out, $"scenarios-{report.At:yyyyMMdd-HHmmss}");
    await File.WriteAllTextAsync(name2 + ".json", report.Json());
    Console.WriteLine(report.Table());
    Console.WriteLine($"written: {name2}.json");
    return results.All(r => r.Met) ? 0 : 1;
}

static async Task<int> AgainstBaselineAsync(BenchOptions options)
{
    Console.WriteLine($"bench: {options.Rows:N0} rows, {options.Users:N0} users, {options.Silos} silo(s); starting Redis, the notifier, the silos and the gateway…");
    var endToEnd = await FreshClusterRun.RunAsync(options);
    Console.WriteLine("bench: end to end done; now the plain baseline…");
    var work = Directory.CreateTempSubdirectory("alerts-baseline-").FullName;
    var baseline = await BaselineRun.RunAsync(options, work);
    Directory.Delete(work, recursive: true);

    var report = new BenchReport(DateTimeOffset.UtcNow, Environment.ProcessorCount, options, endToEnd, baseline);
    var name = Path.Combine(options.Out, $"bench-{report.At:yyyyMMdd-HHmmss}-{options.Rows}r-{options.Silos}s");
    await File.WriteAllTextAsync(name + ".json", report.Json());
    await File.WriteAllTextAsync(name + ".svg", SvgChart.Draw(report));
    Console.WriteLine(report.Table());
    Console.WriteLine($"written: {name}.json, {name}.svg");
    return Complete(endToEnd, options) ? 0 : 1;
}

static async Task<int> CompareSilosAsync(BenchOptions options)
{
    var result = await ScaleRun.RunAsync(options);
    var report = new ScaleReport(DateTimeOffset.UtcNow, Environment.ProcessorCount, options, result);
    var name = Path.Combine(options.Out, $"scale-{report.At:yyyyMMdd-HHmmss}-{options.Rows}r-1v{options.Silos}s");
    await File.WriteAllTextAsync(name + ".json", report.Json());
    Console.WriteLine(report.Table());
    Console.WriteLine($"written: {name}.json");
    return result.OneSilo.Concat(result.ManySilos).All(run => Complete(run, options)) ? 0 : 1;
}

static bool Complete(EndToEndResult run, BenchOptions options) => run.Delivered == options.Rows && run.OutputRows == options.Rows;
