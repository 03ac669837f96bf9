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
        var budget = options.Rate > 0 ? options.Rate : 1_000;
        await using var run = await ScenarioCluster.StartAsync(options, budget);
        var rows = options.RowsGiven ? options.Rows : (int)(30 * budget);
        var fileId = run.Drop(rows, options.Users);
        await run.UntilAsync(fileId, s => s.Delivered() >= 3 * budget, TimeSpan.FromMinutes(2));
        var file = await HoldAsync(run, $"/files/{fileId}/pause", $"/files/{fileId}/resume");
        await run.UntilAsync(fileId, s => s.Delivered() >= rows / 2, TimeSpan.FromMinutes(2));
        var all = await HoldAsync(run, "/delivery/pause", "/delivery/resume");
        var done = await run.CompletedAsync(fileId, TimeSpan.FromSeconds(120 + 3 * rows / budget));
        var perSecond = await run.PerSecondAsync(fileId, done);
        Console.WriteLine($"  delivered per second: {string.Join(' ', perSecond)}");
        var received = await run.NotifierStatAsync("received");
        return [Judge("a file paused and resumed", file, perSecond, done, budget), Judge("all delivery paused and resumed", all, perSecond, done, budget),
            new($"every alert once, {budget:N0}/s budget", "all delivered, no request twice", $"{done.Delivered():N0} of {rows:N0} delivered; {received:N0} requests",
                done.Delivered() == rows && received == rows)];
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
        return [new($"the ETA after 15 s of steady delivery, {budget:N0}/s", "within 20 % of the time that remained",
            $"ETA {eta:N1} s, {remained:N1} s remained ({error:P0} off); rate shown {asked?.GetProperty("rate").GetDouble():N0}/s",
            error <= 0.2)];
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
