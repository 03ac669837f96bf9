using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Alerts.Tests.Support;

namespace Alerts.Tests.Integration;

[Collection(RedisClusterCollection.Name)]
public sealed class DeadLetterTests(RedisClusterFixture cluster)
{
    private readonly string _prefix = "dl" + Guid.NewGuid().ToString("n")[..8];

    [Fact]
    public async Task A_file_whose_every_alert_is_dead_keeps_a_small_state_and_its_retry_delivers_each_once()
    {
        await cluster.RestartNotifierAsync("--Alerts:Webhook:Secret=not-the-senders-secret");
        var fileId = InboxFiles.Drop(cluster.Inbox, $"{_prefix}-all.csv", InboxFiles.Csv(_prefix + "a", rows: 3_000, users: 1_000));
        JsonElement dead;
        long stateBytes;
        try
        {
            dead = (await cluster.CompletedAsync(fileId))!.Value;
            await using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(cluster.RedisConnectionString);
            var server = redis.GetServer(redis.GetEndPoints()[0]);
            var stateKey = server.Keys(pattern: $"*file/{fileId}*").Single();
            stateBytes = (long)await redis.GetDatabase().ExecuteAsync("MEMORY", "USAGE", stateKey);
        }
        finally
        {
            await cluster.RestartNotifierAsync();
        }
        // Two retries at once: one requeues them, the other finds the file delivering again.
        var answers = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => cluster.Gateway.PostAsync($"/files/{fileId}/retry", null)));
        var retried = (await cluster.CompletedAsync(fileId))!.Value;

        Assert.Equal(3_000, dead.GetProperty("deadLettered").GetInt64());
        Assert.True(stateBytes < 24_000, $"the file's state takes {stateBytes:N0} bytes with 3,000 dead letters"); // was about 50 bytes per dead letter
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Conflict], answers.Select(a => a.StatusCode).Order());
        Assert.Equal((3_000L, 0L), (retried.GetProperty("delivered").GetInt64(), retried.GetProperty("deadLettered").GetInt64()));
        Assert.Equal(3_000, cluster.Notifier.ReadRows().Count(r => r.UserId.StartsWith(_prefix + "a-")));
    }

    /// <summary>A gauge's value from the gateway's <c>/metrics</c>, or -1 before it is there.</summary>
    private async Task<double> GaugeAsync(string name) =>
        RedisClusterFixture.Sample(await cluster.Gateway.GetStringAsync("/metrics"), name) ?? -1;

    [Fact]
    public async Task Alerts_refused_for_a_bad_signature_are_dead_letters_that_retry_delivers_once_signed_right()
    {
        await cluster.RestartNotifierAsync("--Alerts:Webhook:Secret=not-the-senders-secret");
        var content = InboxFiles.Csv(_prefix, rows: 20, users: 5);
        var fileId = InboxFiles.Drop(cluster.Inbox, $"{_prefix}.csv", content);
        JsonElement dead, retried;
        List<string[]> deadReport, retriedReport;
        try
        {
            dead = (await cluster.CompletedAsync(fileId))!.Value;
            deadReport = await ReportAsync(fileId);
            // The gateway's cluster-wide gauge counts them within its refresh (15 s).
            await Eventually.Until(() => GaugeAsync("alerts_files_dead_letters"), n => n >= 20, "the dead-letter gauge", TimeSpan.FromSeconds(60));
        }
        finally
        {
            await cluster.RestartNotifierAsync();
        }

        var retry = await cluster.Gateway.GetFromJsonAsync<JsonElement>("/retry");
        retried = (await cluster.CompletedAsync(fileId))!.Value;
        retriedReport = await ReportAsync(fileId);
        var user = await cluster.Gateway.GetFromJsonAsync<JsonElement>($"/users/{_prefix}-0/alerts");

        Assert.Equal((0L, 20L), (dead.GetProperty("delivered").GetInt64(), dead.GetProperty("deadLettered").GetInt64()));
        Assert.Equal(401, dead.GetProperty("deadLetters")[0].GetProperty("httpStatus").GetInt32());
        Assert.Equal(["line", "userId", "status", "attempts", "httpStatus", "deliveredAt", "error"], deadReport[0]);
        Assert.All(deadReport.Skip(1), r => Assert.Equal(("DeadLettered", "1", "401"), (r[2], r[3], r[4])));
        Assert.Equal(20, deadReport.Count - 1);

        Assert.True(retry.GetProperty("requeued").GetInt32() >= 20);
        Assert.Contains(retry.GetProperty("files").EnumerateArray(), f => f.GetProperty("fileId").GetString() == fileId && f.GetProperty("requeued").GetInt32() == 20);
        Assert.Equal((20L, 0L), (retried.GetProperty("delivered").GetInt64(), retried.GetProperty("deadLettered").GetInt64()));
        Assert.All(retriedReport.Skip(1), r => Assert.Equal(("Delivered", "1", "200"), (r[2], r[3], r[4])));
        Assert.Equal(Enumerable.Range(2, 20).Select(n => $"{n}"), retriedReport.Skip(1).Select(r => r[0]));
        Assert.Equal(20, cluster.Notifier.ReadRows().Count(r => r.UserId.StartsWith(_prefix + "-")));
        Assert.Equal(4, user.GetProperty("alerts").EnumerateArray().Count(a => a.GetProperty("status").GetString() == "Delivered"));
    }

    [Fact]
    public async Task A_report_opened_in_a_spreadsheet_runs_no_formula_from_a_user_id()
    {
        string[] hostile = [$"=HYPERLINK(\"http://x\",\"{_prefix}\")", $"+{_prefix}", $"@{_prefix}", $"-{_prefix}"];
        var content = "userId,alertMessage\n" + string.Concat(hostile.Select(id => $"\"{id.Replace("\"", "\"\"")}\",hello\n")) + $"{_prefix}-plain,hello\n";
        var fileId = InboxFiles.Drop(cluster.Inbox, $"{_prefix}-formulas.csv", content);

        await cluster.CompletedAsync(fileId);
        var userIds = (await ReportAsync(fileId)).Skip(1).Select(r => r[1]).ToList();

        // Escaped as CsvHelper's InjectionOptions.Escape does: a leading apostrophe makes the cell text.
        Assert.Equal([.. hostile.Select(id => "'" + id), $"{_prefix}-plain"], userIds);
        Assert.Equal(hostile.Length + 1, cluster.Notifier.ReadRows().Count(r => r.UserId.Contains(_prefix))); // the receiver gets them verbatim
        Assert.Contains(cluster.Notifier.ReadRows(), r => r.UserId == hostile[0]);
    }

    [Fact]
    public async Task Retry_and_report_answer_400_and_404_for_bad_and_unknown_files()
    {
        var unknown = new string('a', 64);

        Assert.Equal(HttpStatusCode.BadRequest, (await cluster.Gateway.PostAsync("/files/nope/retry", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await cluster.Gateway.PostAsync($"/files/{unknown}/retry", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await cluster.Gateway.GetAsync($"/files/{unknown}/report")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await cluster.Gateway.GetAsync($"/users/{new string('u', 129)}/alerts")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await cluster.Gateway.GetAsync("/users/%20%20/alerts")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await cluster.Gateway.PostAsync("/retry", null)).StatusCode);
    }

    private Task<List<string[]>> ReportAsync(string fileId) => cluster.ReportAsync(fileId);
}
