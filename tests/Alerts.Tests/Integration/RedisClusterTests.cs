using System.Net;
using System.Text;
using System.Text.Json;
using Alerts.Tests.Support;

namespace Alerts.Tests.Integration;

[Collection(RedisClusterCollection.Name)]
public sealed class RedisClusterTests(RedisClusterFixture cluster)
{
    [Fact]
    public async Task A_file_dropped_into_the_inbox_ends_as_rows_in_the_notifiers_output()
    {
        var prefix = "drop" + Guid.NewGuid().ToString("n")[..8];
        var expected = Enumerable.Range(0, 1_000).Select(i => ($"{prefix}-{i % 250}", $"alert {i}, \"quoted\"")).ToList();
        var content = new StringBuilder("userId,alertMessage\n");
        foreach (var (user, message) in expected) content.Append($"{user},\"{message.Replace("\"", "\"\"")}\"\n");
        content.Append($"{prefix}-x,too,many,columns\n");

        var fileId = InboxFiles.Drop(cluster.Inbox, "thousand.csv", content.ToString());
        var file = (await cluster.CompletedAsync(fileId))!.Value;

        Assert.Equal(fileId, file.GetProperty("fileId").GetString());
        Assert.Equal(1_001, file.GetProperty("rows").GetInt64());
        Assert.Equal(1_000, file.GetProperty("valid").GetInt64());
        Assert.Equal(1, file.GetProperty("invalid").GetInt64());
        Assert.Equal(1_000, file.GetProperty("delivered").GetInt64());
        Assert.Equal(0, file.GetProperty("pending").GetInt64());
        Assert.Equal(1_002, file.GetProperty("invalidRows")[0].GetProperty("line").GetInt64());
        Assert.Equal(expected.Order(), cluster.Notifier.ReadRows().Where(r => r.UserId.StartsWith(prefix)).Order());
        Assert.True(File.Exists(Path.Combine(cluster.Inbox, "archive", "thousand.csv")));
    }

    [Fact]
    public async Task One_user_with_ten_thousand_alerts_and_a_repeat_of_the_first_far_behind_is_alerted_once_each()
    {
        var user = "heavy" + Guid.NewGuid().ToString("n")[..8];
        const int alerts = 10_000;
        var content = new StringBuilder("userId,alertMessage\n");
        for (var i = 0; i < alerts; i++) content.Append($"{user},alert {i}\n");
        content.Append($"{user},alert 0\n"); // line 10,002: the same alert as line 2, 10,000 alerts later
        var repeatsBefore = (await cluster.Notifier.StatsAsync()).Duplicates;

        var fileId = InboxFiles.Drop(cluster.Inbox, "heavy.csv", content.ToString());
        var file = (await cluster.CompletedAsync(fileId))!.Value;

        Assert.Equal((alerts, 1L), (file.GetProperty("delivered").GetInt64(), file.GetProperty("duplicateRows").GetInt64()));
        Assert.Equal(alerts, cluster.Notifier.ReadRows().Count(r => r.UserId == user));
        Assert.Equal(repeatsBefore, (await cluster.Notifier.StatsAsync()).Duplicates); // the repeat was never POSTed
        var report = await cluster.ReportAsync(fileId);
        Assert.Equal(["10002", user, "DuplicateRow"], report[^1][..3]);
    }

    [Fact]
    public async Task The_gateway_answers_health_and_rejects_bad_file_ids()
    {
        var health = await cluster.Gateway.GetAsync("/health");
        var badId = await cluster.Gateway.GetAsync("/files/not-a-hash");
        var unknown = await cluster.Gateway.GetAsync($"/files/{new string('0', 64)}");

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(2, JsonDocument.Parse(await health.Content.ReadAsStringAsync()).RootElement.GetProperty("silos").GetInt32());
        Assert.Equal(HttpStatusCode.BadRequest, badId.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task The_gateway_serves_prometheus_metrics()
    {
        await cluster.Gateway.GetAsync("/health"); // at least one request to count

        var metrics = await cluster.Gateway.GetAsync("/metrics");
        var text = await metrics.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        Assert.Contains("http_server_request_duration_seconds", text);
        Assert.Contains("# TYPE", text);
    }

    [Fact]
    public async Task Each_silo_serves_its_meters_and_together_they_count_the_files_deliveries()
    {
        var before = await DeliveredPerSiloAsync();
        var fileId = InboxFiles.Drop(cluster.Inbox, "metered.csv", InboxFiles.Csv("metered" + Guid.NewGuid().ToString("n")[..8], rows: 200, users: 200));
        await cluster.CompletedAsync(fileId);
        var after = await DeliveredPerSiloAsync();

        var delivered = after.Zip(before, (a, b) => a - b).ToList();
        Assert.True(delivered.Sum() >= 200, $"delivered per silo: {string.Join(", ", delivered)}");
        Assert.All(delivered, n => Assert.True(n > 0, $"a silo delivered none of 200 users' alerts: {string.Join(", ", delivered)}"));
    }

    [Fact]
    public async Task Users_new_to_the_cluster_are_registered_at_home_with_no_directory_call_between_silos()
    {
        var before = await DirectoryCallsAsync();
        var fileId = InboxFiles.Drop(cluster.Inbox, "newcomers.csv", InboxFiles.Csv("new" + Guid.NewGuid().ToString("n")[..8], rows: 1_000, users: 1_000));
        await cluster.CompletedAsync(fileId);
        var after = await DirectoryCallsAsync();

        Assert.True(after.Registered - before.Registered >= 1_000, $"{after.Registered - before.Registered} grains registered for 1,000 users; directory meters: {after.Names}");
        Assert.Equal(0, after.Remote - before.Remote);
    }

    /// <summary>Grains the silos registered in the distributed directory, and directory requests they sent to another silo (Orleans' default directory counts them).</summary>
    private async Task<(double Registered, double Remote, string Names)> DirectoryCallsAsync()
    {
        var pages = new List<string>();
        // Orleans reaches the distributed directory through its "cached" locator.
        var registered = await cluster.SiloCountersAsync("orleans_directory_registrations_total", "locator=\"cached\",status=\"success\"", pages);
        Assert.Equal(2, pages.Count);
        var samples = pages.SelectMany(page => page.Split('\n')).Where(line => line.StartsWith("orleans_directory_", StringComparison.Ordinal)).ToList();
        var remote = samples.Where(line => line.Contains("remote_sent"))
            .Sum(RedisClusterFixture.SampleValue);
        return (registered.Sum(), remote, string.Join(", ", samples.Select(line => line[..line.LastIndexOf(' ')]).Distinct()));
    }

    /// <summary>Each silo's <c>alerts_webhook_requests_total{outcome="delivered"}</c>, scraped from its own port.</summary>
    private async Task<List<long>> DeliveredPerSiloAsync()
    {
        var pages = new List<string>();
        var counts = await cluster.SiloCountersAsync("alerts_webhook_requests_total", "outcome=\"delivered\"", pages);
        Assert.All(pages, page => Assert.Contains("orleans_", page));
        // The gauges an operator watches: the users' unsettled alerts and the rate the limiter grants.
        Assert.All(pages, page => Assert.Contains("alerts_delivery_backlog", page));
        Assert.Contains(pages, page => page.Contains("alerts_ratelimit_rate"));
        return counts;
    }
}
