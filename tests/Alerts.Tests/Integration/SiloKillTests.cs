using Xunit.Abstractions;
using System.Text;
using Alerts.Tests.Support;

namespace Alerts.Tests.Integration;

/// <summary>Its own cluster (a class fixture) sending about 1,000 alerts a second: this test kills one of the two silo processes.</summary>
public sealed class SiloKillTests(SiloKillTests.KillClusterFixture cluster, ITestOutputHelper output) : IClassFixture<SiloKillTests.KillClusterFixture>
{
    public sealed class KillClusterFixture : RedisClusterFixture
    {
        protected override IReadOnlyDictionary<string, string> SiloSettings { get; } =
            new Dictionary<string, string> { ["Alerts__Webhook__PermitsPerSecond"] = "1000" };
    }

    /// <summary>
    /// What a kill -9 may send twice: the requests in flight and the outcomes not yet committed (10 ms of them).
    /// The receiver's own dedupe hides them from its output; its count of repeated keys does not.
    /// </summary>
    private const int MostRepeats = 50;

    [Fact]
    public async Task Killing_the_silo_of_a_file_mid_way_with_failing_calls_loses_no_alert_and_sends_none_twice()
    {
        await cluster.RestartNotifierAsync("--Notifier:FailureRate=0.05");
        const int rows = 12_000;
        var expected = new List<(string, string)>();
        var content = new StringBuilder("userId,alertMessage\n");
        for (var i = 0; i < rows; i++)
        {
            expected.Add(($"kill-{i % 3_000}", $"alert {i}"));
            content.Append($"kill-{i % 3_000},alert {i}\n");
            if (i % 1_000 == 0) content.Append("kill-bad,\n"); // an invalid row (empty message) now and then
        }

        var fileId = InboxFiles.Drop(cluster.Inbox, "kill.csv", content.ToString());
        var before = await Eventually.Until(() => cluster.FileAsync(fileId), f => f?.GetProperty("delivered").GetInt64() >= 3_000,
            $"part of the file delivered\n{cluster.Logs()}", TimeSpan.FromSeconds(120));
        cluster.KillSiloOf(fileId);
        var file = (await cluster.CompletedAsync(fileId))!.Value;

        Assert.InRange(before!.Value.GetProperty("delivered").GetInt64(), 3_000, rows - 1);
        Assert.Equal(rows + 12, file.GetProperty("rows").GetInt64());
        Assert.Equal(12, file.GetProperty("invalid").GetInt64());
        Assert.Equal(rows, file.GetProperty("delivered").GetInt64());
        Assert.Equal(expected.Order(), cluster.Notifier.ReadRows().Order());
        var report = (await cluster.ReportAsync(fileId)).Skip(1).GroupBy(r => r[2]).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(new Dictionary<string, int> { ["Delivered"] = rows, ["Invalid"] = 12 }, report);
        var repeats = (await cluster.Notifier.StatsAsync()).Duplicates;
        var uncertain = (await cluster.SiloCountersAsync("alerts_delivery_uncertain_total")).Sum();
        output.WriteLine($"kill -9 mid-file at 1,000/s: {repeats} alerts sent twice; {uncertain} sent again as uncertain (journaled in flight)");
        Assert.True(repeats <= MostRepeats, $"{repeats} alerts sent twice\n{cluster.Logs()}");
    }
}
