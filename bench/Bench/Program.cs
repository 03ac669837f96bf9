using Alerts.Bench;
using Alerts.Bench.Processes;
using Alerts.Bench.Reporting;
using Alerts.Bench.Runs;

// make bench: one generated file end to end through a fresh cluster, then the same rows from a plain
// HttpClient loop straight to a fresh notifier; prints a table, writes JSON and an SVG chart.
var options = BenchOptions.Parse(args);
Console.WriteLine($"bench: {options.Rows:N0} rows, {options.Users:N0} users, {options.Silos} silo(s); starting Redis, the notifier, the silos and the gateway…");
EndToEndResult endToEnd;
await using (var cluster = await BenchCluster.StartAsync(options))
{
    endToEnd = await EndToEndRun.RunAsync(cluster, options);
    cluster.Succeeded = true;
}
Console.WriteLine("bench: end to end done; now the plain baseline…");
var work = Directory.CreateTempSubdirectory("alerts-baseline-").FullName;
var baseline = await BaselineRun.RunAsync(options, work);
Directory.Delete(work, recursive: true);

var report = new BenchReport(DateTimeOffset.UtcNow, Environment.ProcessorCount, options, endToEnd, baseline);
Directory.CreateDirectory(options.Out);
var name = Path.Combine(options.Out, $"bench-{report.At:yyyyMMdd-HHmmss}-{options.Rows}r-{options.Silos}s");
await File.WriteAllTextAsync(name + ".json", report.Json());
await File.WriteAllTextAsync(name + ".svg", SvgChart.Draw(report));
Console.WriteLine(report.Table());
Console.WriteLine($"written: {name}.json, {name}.svg");
return endToEnd.Delivered == options.Rows && endToEnd.OutputRows == options.Rows ? 0 : 1;
