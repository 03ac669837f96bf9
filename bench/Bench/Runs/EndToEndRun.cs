using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Alerts.Bench.Processes;
using CsvHelper;

namespace Alerts.Bench.Runs;

/// <summary>One generated file through the whole system, measured from the file being seen to each alert delivered.</summary>
public sealed record EndToEndResult(
    long Delivered, long DeadLettered, double Seconds, long Requests, long Throttled, long Failed,
    double P50LatencyMs, double P99LatencyMs, long PeakFileStateBytes, IReadOnlyDictionary<string, double> PeakMemoryMiB, int[] PerSecond, long OutputRows,
    AlertCost Cost, PermitUse Permits, SiloTraffic Traffic, long MethodsCompiled)
{
    public double AlertsPerSecond => Delivered / Seconds;
}

/// <summary>Permits the silos leased from the cluster budget, and how many of them expired unused.</summary>
public sealed record PermitUse(long Leased, long Unused);

/// <summary>
/// Orleans messages the silos sent over the network (to each other, and answers to the gateway) per alert, their bytes,
/// and how many of them were requests, one-way calls and responses; and the grain directory's requests to another silo
/// (lookups, registrations and unregistrations of grains whose directory entry another silo keeps), among the requests.
/// </summary>
public sealed record SiloTraffic(double Messages, double Bytes, double Requests, double OneWay, double Responses, double Directory)
{
    // Orleans' histogram of sent message sizes: its count is the messages, its sum their bytes (local calls are not sent).
    private const string Sent = "orleans_messaging_sent_messages_size";

    /// <summary>What the silos have sent so far, in all (one scrape of each silo's metrics).</summary>
    public static async Task<SiloTraffic> ReadAsync(BenchCluster cluster)
    {
        var samples = await cluster.SiloSamplesAsync();
        var sent = samples.Where(s => s.Series.StartsWith(Sent, StringComparison.Ordinal)).ToList();
        var directory = samples.Where(s => s.Series.StartsWith("orleans_directory_", StringComparison.Ordinal) && s.Series.Contains("remote_sent")).Sum(s => s.Value);
        double Sum(string part, string? direction = null) =>
            sent.Where(s => s.Series.Contains(part) && (direction is null || s.Series.Contains($"MessageDirection=\"{direction}\""))).Sum(s => s.Value);
        return new(Sum("_count"), Sum("_sum"), Sum("_count", "Request"), Sum("_count", "OneWay"), Sum("_count", "Response"), directory);
    }

    public static SiloTraffic PerAlert(SiloTraffic before, SiloTraffic after, long alerts)
    {
        var n = (double)Math.Max(1, alerts);
        return new(
            Math.Round((after.Messages - before.Messages) / n, 2), Math.Round((after.Bytes - before.Bytes) / n),
            Math.Round((after.Requests - before.Requests) / n, 2), Math.Round((after.OneWay - before.OneWay) / n, 2),
            Math.Round((after.Responses - before.Responses) / n, 2), Math.Round((after.Directory - before.Directory) / n, 2));
    }
}

public static class EndToEndRun
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(500);

    // The runtime's own meter: methods compiled, by the JIT's first pass and by its background re-compiles of hot code.
    // (Its compilation time is wall time, on shared cores several times the CPU it took.)
    private const string MethodsCompiled = "dotnet_jit_compiled_methods_total";

    public static async Task<EndToEndResult> RunAsync(BenchCluster cluster, BenchOptions options)
    {
        await NotifierWarmUp.RunAsync(cluster.Notifier);
        if (!options.Cold) await WarmUpSilosAsync(cluster, options);
        var before = await cluster.Notifier.GetFromJsonAsync<JsonElement>("/stats");
        var outputBefore = OutputRows(cluster);
        var fileIds = DropFiles(cluster, options);

        var costBefore = CostMeter.Read(cluster);
        var trafficBefore = await SiloTraffic.ReadAsync(cluster);
        var compiledBefore = await cluster.SiloCounterAsync(MethodsCompiled);
        var done = new List<JsonElement>();
        long peakState = 0;
        foreach (var fileId in fileIds)
        {
            var (summary, stateBytes) = await WaitForCompletionAsync(cluster, fileId, options);
            done.Add(summary);
            peakState = Math.Max(peakState, stateBytes);
        }
        long Sum(string field) => done.Sum(s => s.GetProperty(field).GetInt64());
        var cost = CostMeter.PerAlert(costBefore, CostMeter.Read(cluster), Sum("delivered"));
        var traffic = SiloTraffic.PerAlert(trafficBefore, await SiloTraffic.ReadAsync(cluster), Sum("delivered"));
        var compiled = await cluster.SiloCounterAsync(MethodsCompiled) - compiledBefore;
        var discovered = done.Min(s => s.GetProperty("discoveredAt").GetDateTimeOffset());
        var completed = done.Max(s => s.GetProperty("completedAt").GetDateTimeOffset());
        var delivered = new List<DateTimeOffset>();
        foreach (var fileId in fileIds) delivered.AddRange(await DeliveryTimesAsync(cluster, fileId));
        var latencies = delivered.Select(t => (t - discovered).TotalMilliseconds).Order().ToList();
        var stats = await cluster.Notifier.GetFromJsonAsync<JsonElement>("/stats");
        long Delta(string counter) => stats.GetProperty(counter).GetInt64() - before.GetProperty(counter).GetInt64();
        return new EndToEndResult(
            Sum("delivered"), Sum("deadLettered"), (completed - discovered).TotalSeconds,
            Delta("received"), Delta("throttled"), Delta("failed"),
            Percentiles.Of(latencies, 0.5), Percentiles.Of(latencies, 0.99), peakState,
            cluster.Processes.ToDictionary(p => p.Name, p => p.PeakMemoryMiB()), Percentiles.PerSecond(delivered, discovered),
            OutputRows(cluster) - outputBefore, cost,
            new PermitUse(await cluster.SiloCounterAsync("alerts_ratelimit_permits_leased_total"), await cluster.SiloCounterAsync("alerts_ratelimit_permits_unused_total")),
            traffic, compiled);
    }

    /// <summary>The measured rows as <see cref="BenchOptions.Files"/> files (distinct alerts each), all dropped at once; their ids.</summary>
    private static List<string> DropFiles(BenchCluster cluster, BenchOptions options)
    {
        var staged = new List<(string Path, string Name, string FileId)>();
        for (var n = 0; n < options.Files; n++)
        {
            var name = options.Files == 1 ? "rows.csv" : $"rows-{n + 1}.csv";
            var path = Path.Combine(cluster.Work, name);
            var rows = options.Rows / options.Files + (n < options.Rows % options.Files ? 1 : 0);
            staged.Add((path, name, AlertRows.WriteCsv(path, rows, options.Users, salt: options.Files == 1 ? "" : name)));
        }
        Directory.CreateDirectory(cluster.Inbox);
        foreach (var (path, name, _) in staged) File.Move(path, Path.Combine(cluster.Inbox, name));
        return [.. staged.Select(s => s.FileId)];
    }

    /// <summary>
    /// Smaller files of the same shape first (half the rows, at most 20,000, with as many alerts per user), so the measured
    /// files meet running silos, as files in service do, rather than code still being compiled; then until the silos
    /// compile fewer than 50 methods a second each (at most 30 s), as the runtime re-compiles what the warm-up made hot on
    /// a background thread. Four files per silo (at least 100 rows each), each a segment placed at random: so almost
    /// surely every silo has read and dispatched, not only the users' side, before it is measured.
    /// </summary>
    private static async Task WarmUpSilosAsync(BenchCluster cluster, BenchOptions options)
    {
        var files = 4 * options.Silos;
        var rows = Math.Max(100, Math.Min(options.Rows / 2, 20_000) / files);
        var users = (int)Math.Clamp((long)rows * options.Users / Math.Max(1, options.Rows), 1, rows);
        Directory.CreateDirectory(cluster.Inbox);
        var fileIds = new List<string>();
        for (var n = 1; n <= files; n++)
        {
            var staged = Path.Combine(cluster.Work, $"warm-up-{n}.csv");
            fileIds.Add(AlertRows.WriteCsv(staged, rows, users, salt: $"warm-up-{n}"));
            File.Move(staged, Path.Combine(cluster.Inbox, $"warm-up-{n}.csv"));
        }
        // The files share the budget: each may take as long as all of them.
        foreach (var fileId in fileIds) await WaitForCompletionAsync(cluster, fileId, options with { Rows = rows * files });
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        var compiled = await cluster.SiloCounterAsync(MethodsCompiled);
        while (DateTime.UtcNow < deadline)
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            var now = await cluster.SiloCounterAsync(MethodsCompiled);
            if (now - compiled < 50 * cluster.SiloMetricsPorts.Count) return;
            compiled = now;
        }
    }

    private static long OutputRows(BenchCluster cluster)
    {
        var output = Path.Combine(cluster.OutputDir, "alerts.csv");
        return File.Exists(output) ? File.ReadLines(output).LongCount() : 0;
    }

    private static async Task<(JsonElement Summary, long PeakStateBytes)> WaitForCompletionAsync(BenchCluster cluster, string fileId, BenchOptions options)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120 + 3 * options.Rows / Math.Min(options.SenderBudget, options.ReceiverLimit));
        long peakState = 0;
        while (true)
        {
            await Task.Delay(Poll);
            peakState = Math.Max(peakState, FileStateBytes(cluster.RedisPort, fileId));
            var response = await cluster.Gateway.GetAsync($"/files/{fileId}");
            if (response.IsSuccessStatusCode)
            {
                var summary = await response.Content.ReadFromJsonAsync<JsonElement>();
                if (summary.GetProperty("status").GetString() is "Completed" or "Failed") return (summary, peakState);
            }
            if (cluster.Processes.FirstOrDefault(p => p.HasExited) is { } dead) throw new InvalidOperationException($"{dead.Name} exited; logs in {cluster.Work}");
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"file {fileId} did not complete; logs in {cluster.Work}");
        }
    }

    /// <summary>When each alert was delivered, from the file's report.</summary>
    public static async Task<List<DateTimeOffset>> DeliveryTimesAsync(BenchCluster cluster, string fileId)
    {
        using var response = await cluster.Gateway.GetAsync($"/files/{fileId}/report", HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        using var csv = new CsvParser(new StreamReader(await response.Content.ReadAsStreamAsync()), CultureInfo.InvariantCulture);
        var times = new List<DateTimeOffset>();
        await csv.ReadAsync(); // header
        while (await csv.ReadAsync())
            if (csv.Record![5] is { Length: > 0 } at) times.Add(DateTimeOffset.Parse(at, CultureInfo.InvariantCulture));
        return times;
    }

    // The largest stored state of the file's grain and its segments' grains: bounded by the window, whatever the file's size.
    // One script, so a probe costs one redis-cli however many segments there are.
    private const string LargestStateScript =
        "local m = 0 for _, p in ipairs(ARGV) do for _, k in ipairs(redis.call('KEYS', p)) do "
        + "local u = redis.call('MEMORY', 'USAGE', k) if u and u > m then m = u end end end return m";

    private static long FileStateBytes(int redisPort, string fileId) =>
        long.TryParse(RedisCli.Run(redisPort, "eval", LargestStateScript, "0", $"*file/{fileId}*", $"*segment/{fileId}/*").Trim(), out var bytes) ? bytes : 0;
}
