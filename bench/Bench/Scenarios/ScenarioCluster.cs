using System.Net.Http.Json;
using System.Text.Json;
using Alerts.Bench.Processes;
using Alerts.Bench.Runs;

namespace Alerts.Bench.Scenarios;

/// <summary>A fresh cluster for one scenario, with what scenarios do to it: script the receiver, drop files, watch them.</summary>
public sealed class ScenarioCluster(BenchCluster cluster, double budget) : IAsyncDisposable
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(250);
    private readonly HashSet<BenchProcess> _mayExit = [];
    private int _files;

    public double Budget => budget;
    public BenchCluster Cluster => cluster;

    public static async Task<ScenarioCluster> StartAsync(BenchOptions options, double budget, double receiverLimit = 0) =>
        new(await BenchCluster.StartAsync(options with { Rate = budget, ReceiverRate = receiverLimit }), budget);

    /// <summary>A process the scenario expects to exit (a silo that thaws after it was declared dead stops itself).</summary>
    public void MayExit(BenchProcess process) => _mayExit.Add(process);

    /// <summary>Replaces the receiver's chaos profile (an empty object clears it).</summary>
    public async Task ChaosAsync(object profile) => (await cluster.Notifier.PostAsJsonAsync("/chaos", profile)).EnsureSuccessStatusCode();

    /// <summary>Drops a generated file of distinct alerts into the inbox (every n-th for one heavy user, if asked); returns its id.</summary>
    public string Drop(int rows, int users, int heavyEvery = 0)
    {
        var name = $"scenario-{++_files}.csv";
        var staged = Path.Combine(cluster.Work, name);
        var fileId = AlertRows.WriteCsv(staged, rows, users, salt: name, heavyEvery);
        Directory.CreateDirectory(cluster.Inbox);
        File.Move(staged, Path.Combine(cluster.Inbox, name));
        return fileId;
    }

    /// <summary>Uploads a generated file of distinct alerts through the gateway, with these form fields; returns its id.</summary>
    public async Task<string> UploadAsync(int rows, int users, params (string Name, string Value)[] fields)
    {
        var name = $"scenario-{++_files}.csv";
        var staged = Path.Combine(cluster.Work, name);
        AlertRows.WriteCsv(staged, rows, users, salt: name);
        using var form = new MultipartFormDataContent { { new StreamContent(File.OpenRead(staged)), "file", name } };
        foreach (var (field, value) in fields) form.Add(new StringContent(value), field);
        using var response = await cluster.Gateway.PostAsync("/upload", form);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("fileId").GetString()!;
    }

    /// <summary>How many of the file's report lines have each status.</summary>
    public async Task<Dictionary<string, int>> ReportStatusesAsync(string fileId)
    {
        using var response = await cluster.Gateway.GetAsync($"/files/{fileId}/report", HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        using var csv = new CsvHelper.CsvParser(new StreamReader(await response.Content.ReadAsStreamAsync()), System.Globalization.CultureInfo.InvariantCulture);
        var counts = new Dictionary<string, int>();
        await csv.ReadAsync(); // header
        while (await csv.ReadAsync()) counts[csv.Record![2]] = counts.GetValueOrDefault(csv.Record![2]) + 1;
        return counts;
    }

    public async Task<JsonElement?> StatusAsync(string fileId)
    {
        var response = await cluster.Gateway.GetAsync($"/files/{fileId}");
        return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<JsonElement>() : null;
    }

    /// <summary>Polls the file until <paramref name="done"/> holds of its status.</summary>
    public async Task<JsonElement> UntilAsync(string fileId, Func<JsonElement, bool> done, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (await StatusAsync(fileId) is { } status && done(status)) return status;
            if (cluster.Processes.FirstOrDefault(p => p.HasExited && !_mayExit.Contains(p)) is { } dead) throw new InvalidOperationException($"{dead.Name} exited; logs in {cluster.Work}");
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"file {fileId}: not reached within {timeout}; logs in {cluster.Work}");
            await Task.Delay(Poll);
        }
    }

    public Task<JsonElement> CompletedAsync(string fileId, TimeSpan timeout) =>
        UntilAsync(fileId, s => s.GetProperty("status").GetString() is "Completed" or "Failed" or "Cancelled", timeout);

    /// <summary>Alerts delivered in each whole second since the file was discovered.</summary>
    public async Task<int[]> PerSecondAsync(string fileId, JsonElement completed) =>
        Percentiles.PerSecond(await EndToEndRun.DeliveryTimesAsync(cluster, fileId), completed.GetProperty("discoveredAt").GetDateTimeOffset());

    public async Task<long> NotifierStatAsync(string counter) =>
        (await cluster.Notifier.GetFromJsonAsync<JsonElement>("/stats")).GetProperty(counter).GetInt64();

    /// <summary>The scenario ran to its end: its cluster's logs may go (they stay when it threw, to be read).</summary>
    public void Done() => cluster.Succeeded = true;

    public ScenarioResult[] Done(ScenarioResult[] results)
    {
        Done();
        return results;
    }

    public ValueTask DisposeAsync() => cluster.DisposeAsync();
}

public static class FileStatusFields
{
    public static long Delivered(this JsonElement status) => status.GetProperty("delivered").GetInt64();
    public static long DeadLettered(this JsonElement status) => status.GetProperty("deadLettered").GetInt64();
    public static DateTimeOffset CompletedAt(this JsonElement status) => status.GetProperty("completedAt").GetDateTimeOffset();
    public static DateTimeOffset DiscoveredAt(this JsonElement status) => status.GetProperty("discoveredAt").GetDateTimeOffset();
    public static double Seconds(this JsonElement status) => (status.CompletedAt() - status.DiscoveredAt()).TotalSeconds;
}
