using Alerts.Bench.Runs;
using System.Net.Http.Json;
using System.Text.Json;

namespace Alerts.Bench.Scenarios;

/// <summary>
/// <c>SCENARIO=pause</c>: an operator pauses a file delivering at 1,000/s, resumes it, then pauses and resumes all
/// delivery. Each pause: at most 50 requests reach the receiver after the call returns and none after a second; each
/// resume: back at ≥ 0.9 of the budget within 2 s; every alert delivered once.
/// </summary>
public static class OperatorScenarios
{
    private static readonly TimeSpan Held = TimeSpan.FromSeconds(3);

    public static async Task<ScenarioResult[]> PauseAsync(BenchOptions options)
    {
        var (run, fileId, budget, rows) = await DeliveringAsync(options);
        await using var _ = run;
        var file = await HoldAsync(run, $"/files/{fileId}/pause", $"/files/{fileId}/resume");
        await run.UntilAsync(fileId, s => s.Delivered() >= rows / 2, TimeSpan.FromMinutes(2));
        var all = await HoldAsync(run, "/delivery/pause", "/delivery/resume");
        var done = await run.CompletedAsync(fileId, TimeSpan.FromSeconds(120 + 3 * rows / budget));
        var perSecond = await run.PerSecondAsync(fileId, done);
        Console.WriteLine($"  delivered per second: {string.Join(' ', perSecond)}");
        var received = await run.NotifierStatAsync("received");
        return run.Done([Judge("a file paused and resumed", file, perSecond, done, budget), Judge("all delivery paused and resumed", all, perSecond, done, budget),
            new($"every alert once, {budget:N0}/s budget", "all delivered, no request twice", $"{done.Delivered():N0} of {rows:N0} delivered; {received:N0} requests",
                done.Delivered() == rows && received == rows)]);
    }

    /// <summary>
    /// <c>SCENARIO=eta</c>: a file of 45 s at 1,000/s; after 15 s of steady delivery the ETA the status page shows must
    /// be within 20 % of the time that actually remained.
    /// </summary>
    public static async Task<ScenarioResult[]> EtaAsync(BenchOptions options)
    {
        var budget = options.Rate > 0 ? options.Rate : 1_000;
        await using var run = await ScenarioCluster.StartAsync(options, budget);
        var rows = options.RowsGiven ? options.Rows : (int)(45 * budget);
        var fileId = run.Drop(rows, options.Users);
        await run.UntilAsync(fileId, s => s.Delivered() > 0, TimeSpan.FromMinutes(2));
        await Task.Delay(TimeSpan.FromSeconds(15));
        var asked = await run.StatusAsync(fileId);
        var askedAt = DateTimeOffset.UtcNow;
        var done = await run.CompletedAsync(fileId, TimeSpan.FromSeconds(120 + 3 * rows / budget));
        var eta = asked?.GetProperty("etaSeconds").GetDouble() ?? double.NaN;
        var remained = (done.CompletedAt() - askedAt).TotalSeconds;
        var error = Math.Abs(eta - remained) / remained;
        return run.Done([new($"the ETA after 15 s of steady delivery, {budget:N0}/s", "within 20 % of the time that remained",
            $"ETA {eta:N1} s, {remained:N1} s remained ({error:P0} off); rate shown {asked?.GetProperty("rate").GetDouble():N0}/s",
            error <= 0.2)]);
    }

    /// <summary>
    /// <c>SCENARIO=cancel</c>: an operator cancels a file delivering at 1,000/s. At most 50 requests reach the receiver
    /// after the call returns and none after a second; the report has one line per row, delivered or cancelled, and says
    /// delivered for exactly as many as the receiver got.
    /// </summary>
    public static async Task<ScenarioResult[]> CancelAsync(BenchOptions options)
    {
        var (run, fileId, budget, rows) = await DeliveringAsync(options);
        await using var _ = run;
        (await run.Cluster.Gateway.PostAsync($"/files/{fileId}/cancel", null)).EnsureSuccessStatusCode();
        var atTheCall = await run.NotifierStatAsync("received");
        await Task.Delay(TimeSpan.FromSeconds(1));
        var aSecondLater = await run.NotifierStatAsync("received");
        await Task.Delay(Held);
        var atTheEnd = await run.NotifierStatAsync("received");
        var statuses = await run.ReportStatusesAsync(fileId);
        var status = (await run.StatusAsync(fileId))?.GetProperty("status").GetString();
        var lines = statuses.Values.Sum();
        var delivered = statuses.GetValueOrDefault("Delivered");
        return run.Done([
            new($"a file cancelled at {budget:N0}/s", "≤ 50 requests after the call, none after 1 s",
                $"{atTheEnd - atTheCall} after the call, {atTheEnd - aSecondLater} after 1 s; status {status}",
                atTheEnd - atTheCall <= 50 && atTheEnd == aSecondLater && status == "Cancelled"),
            new("the cancelled file's report", "one line per row: delivered or cancelled; delivered as the receiver got them",
                $"{lines:N0} lines for {rows:N0} rows: {string.Join(", ", statuses.Select(s => $"{s.Value:N0} {s.Key}"))}; the receiver got {atTheEnd:N0}",
                lines == rows && delivered + statuses.GetValueOrDefault("Cancelled") == rows && delivered == atTheEnd),
        ]);
    }

    /// <summary>
    /// <c>SCENARIO=priority</c>: while a 100,000-row file runs at 1,000/s, a 2,000-row file is uploaded with high
    /// priority; it must complete within 5 s of its upload. The bulk file is cancelled afterwards.
    /// </summary>
    public static async Task<ScenarioResult[]> PriorityAsync(BenchOptions options)
    {
        var budget = options.Rate > 0 ? options.Rate : 1_000;
        await using var run = await ScenarioCluster.StartAsync(options, budget);
        var bulkId = run.Drop(options.RowsGiven ? options.Rows : 100_000, options.Users);
        await run.UntilAsync(bulkId, s => s.Delivered() >= 5 * budget, TimeSpan.FromMinutes(2));
        var uploadedAt = DateTimeOffset.UtcNow;
        var urgentId = await run.UploadAsync(2_000, 2_000, ("priority", "high"));
        var done = await run.CompletedAsync(urgentId, TimeSpan.FromMinutes(2));
        var bulk = await run.StatusAsync(bulkId);
        await run.Cluster.Gateway.PostAsync($"/files/{bulkId}/cancel", null);
        var took = (done.CompletedAt() - uploadedAt).TotalSeconds;
        return run.Done([new($"a 2,000-row high-priority file beside a 100,000-row normal one at {budget:N0}/s", "completes within 5 s of its upload",
            $"{took:N1} s ({done.Delivered():N0} delivered); the bulk file had {bulk?.Delivered():N0} delivered by then",
            took <= 5 && done.Delivered() == 2_000)]);
    }

    /// <summary>
    /// <c>SCENARIO=schedule</c>: a file uploaded to start 20 s ahead; every silo is killed and started again meanwhile.
    /// Nothing of it may go before its time, and it must start within 2 s of it. Then all delivery is paused and every
    /// silo restarted again: it must still be paused.
    /// </summary>
    public static async Task<ScenarioResult[]> ScheduleAsync(BenchOptions options)
    {
        var budget = options.Rate > 0 ? options.Rate : 1_000;
        await using var run = await ScenarioCluster.StartAsync(options, budget);
        var notBefore = DateTimeOffset.UtcNow.AddSeconds(20);
        var fileId = await run.UploadAsync(2_000, 2_000, ("notBefore", notBefore.ToString("O")));
        var shown = (await run.StatusAsync(fileId))?.GetProperty("status").GetString();
        run.Cluster.RestartSilos();
        var done = await run.CompletedAsync(fileId, TimeSpan.FromMinutes(3));
        var times = await EndToEndRun.DeliveryTimesAsync(run.Cluster, fileId);
        var first = times.Count > 0 ? (times.Min() - notBefore).TotalSeconds : double.NaN;
        var paused = await PausedAcrossRestartAsync(run);
        return run.Done([
            new($"a file scheduled 20 s ahead, every silo killed and restarted meanwhile", "shows Scheduled; nothing before its time, the first delivery within 2 s of it",
                $"shown {shown}; first delivery {first:+0.0;-0.0} s from its time; {done.Delivered():N0} delivered",
                shown == "Scheduled" && first is >= 0 and <= 2 && done.Delivered() == 2_000),
            paused,
        ]);
    }

    // All delivery paused, every silo killed and started again: still paused, a file dropped then sends nothing, and
    // resumed it completes.
    private static async Task<ScenarioResult> PausedAcrossRestartAsync(ScenarioCluster run)
    {
        (await run.Cluster.Gateway.PostAsync("/delivery/pause", null)).EnsureSuccessStatusCode();
        run.Cluster.RestartSilos();
        var fileId = run.Drop(1_000, 1_000);
        await run.UntilAsync(fileId, s => s.GetProperty("status").GetString() is "Delivering", TimeSpan.FromMinutes(2));
        var before = await run.NotifierStatAsync("received");
        await Task.Delay(Held);
        var whilePaused = await run.NotifierStatAsync("received") - before;
        var state = await run.Cluster.Gateway.GetFromJsonAsync<JsonElement>("/delivery");
        (await run.Cluster.Gateway.PostAsync("/delivery/resume", null)).EnsureSuccessStatusCode();
        var done = await run.CompletedAsync(fileId, TimeSpan.FromMinutes(2));
        return new("all delivery paused, every silo killed and restarted", "still paused after the restart: nothing sent; resumed, the file completes",
            $"paused {state.GetProperty("paused").GetBoolean()}; {whilePaused} requests in {Held.TotalSeconds:N0} s while paused; {done.Delivered():N0} of 1,000 delivered once resumed",
            state.GetProperty("paused").GetBoolean() && whilePaused == 0 && done.Delivered() == 1_000);
    }

    // A fresh cluster at the scenario's budget (1,000/s unless RATE says) with a 30 s file dropped, delivering for 3 s.
    private static async Task<(ScenarioCluster Run, string FileId, double Budget, int Rows)> DeliveringAsync(BenchOptions options)
    {
        var budget = options.Rate > 0 ? options.Rate : 1_000;
        var run = await ScenarioCluster.StartAsync(options, budget);
        try
        {
            var rows = options.RowsGiven ? options.Rows : (int)(30 * budget);
            var fileId = run.Drop(rows, options.Users);
            await run.UntilAsync(fileId, s => s.Delivered() >= 3 * budget, TimeSpan.FromMinutes(2));
            return (run, fileId, budget, rows);
        }
        catch
        {
            await run.DisposeAsync();
            throw;
        }
    }

    private sealed record Hold(long AfterTheCall, long AfterASecond, DateTimeOffset ResumedAt);

    // Pauses, counts what reaches the receiver after the call returns and after a second more, resumes.
    private static async Task<Hold> HoldAsync(ScenarioCluster run, string pause, string resume)
    {
        (await run.Cluster.Gateway.PostAsync(pause, null)).EnsureSuccessStatusCode();
        var atTheCall = await run.NotifierStatAsync("received");
        await Task.Delay(TimeSpan.FromSeconds(1));
        var aSecondLater = await run.NotifierStatAsync("received");
        await Task.Delay(Held - TimeSpan.FromSeconds(1));
        var atTheEnd = await run.NotifierStatAsync("received");
        var resumedAt = DateTimeOffset.UtcNow;
        (await run.Cluster.Gateway.PostAsync(resume, null)).EnsureSuccessStatusCode();
        return new Hold(atTheEnd - atTheCall, atTheEnd - aSecondLater, resumedAt);
    }

    private static ScenarioResult Judge(string what, Hold hold, int[] perSecond, JsonElement done, double budget)
    {
        // The first whole second (counted from the file's discovery) starting after the resume that reaches 0.9 of the budget.
        var resumedIn = (hold.ResumedAt - done.DiscoveredAt()).TotalSeconds;
        var first = Enumerable.Range((int)Math.Ceiling(resumedIn), Math.Max(0, perSecond.Length - 1 - (int)Math.Ceiling(resumedIn)))
            .FirstOrDefault(s => perSecond[s] >= 0.9 * budget, -1);
        var backIn = first < 0 ? double.PositiveInfinity : first - resumedIn;
        return new($"{what} at {budget:N0}/s", "≤ 50 requests after the call, none after 1 s; a second at ≥ 0.9 of the budget starting within 2 s of the resume",
            $"{hold.AfterTheCall} after the call, {hold.AfterASecond} after 1 s; such a second {backIn:N1} s after the resume",
            hold.AfterTheCall <= 50 && hold.AfterASecond == 0 && backIn <= 2);
    }
}
