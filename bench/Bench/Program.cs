using Alerts.Bench;

// The plain baseline: a tight HttpClient loop POSTing rows straight to a webhook (the notifier).
// Usage: Bench --url http://127.0.0.1:5080/webhook [--requests 50000] [--concurrency 64] [--runs 3]
var options = BenchOptions.Parse(args);
var runs = new List<LoadResult>();
for (var run = 1; run <= options.Runs; run++)
{
    var result = await WebhookLoad.RunAsync(options);
    runs.Add(result);
    Console.WriteLine($"run {run}: {result}");
}
var median = runs.OrderBy(r => r.RequestsPerSecond).ElementAt(runs.Count / 2);
Console.WriteLine($"median of {runs.Count} runs: {median}");
return runs.Any(r => r.Errors > 0) ? 1 : 0;
