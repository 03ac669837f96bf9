using System.Text;
using Alerts.Tests.Support;

namespace Alerts.Tests.Integration;

/// <summary>Its own cluster (a class fixture): this test kills one of the two silo processes.</summary>
public sealed class SiloKillTests(RedisClusterFixture cluster) : IClassFixture<RedisClusterFixture>
{
    [Fact]
    public async Task Killing_the_silo_of_a_file_mid_way_with_failing_calls_loses_no_alert_and_sends_none_twice()
    {
        await cluster.RestartNotifierAsync("--Notifier:FailureRate=0.05");
        const int rows = 20_000;
        var expected = new List<(string, string)>();
        var content = new StringBuilder("userId,alertMessage\n");
        for (var i = 0; i < rows; i++)
        {
            expected.Add(($"kill-{i % 4_000}", $"alert {i}"));
            content.Append($"kill-{i % 4_000},alert {i}\n");
            if (i % 1_000 == 0) content.Append("kill-bad,\n"); // an invalid row (empty message) now and then
        }

        var fileId = InboxFiles.Drop(cluster.Inbox, "kill.csv", content.ToString());
        var before = await Eventually.Until(() => cluster.FileAsync(fileId), f => f?.GetProperty("delivered").GetInt64() >= 3_000,
            $"part of the file delivered\n{cluster.Logs()}", TimeSpan.FromSeconds(120));
        cluster.KillSiloOf(fileId);
        var file = (await cluster.CompletedAsync(fileId))!.Value;

        Assert.InRange(before!.Value.GetProperty("delivered").GetInt64(), 3_000, rows - 1);
        Assert.Equal(rows + 20, file.GetProperty("rows").GetInt64());
        Assert.Equal(20, file.GetProperty("invalid").GetInt64());
        Assert.Equal(rows, file.GetProperty("delivered").GetInt64());
        Assert.Equal(expected.Order(), cluster.Notifier.ReadRows().Order());
        var report = (await cluster.ReportAsync(fileId)).Skip(1).GroupBy(r => r[2]).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(new Dictionary<string, int> { ["Delivered"] = rows, ["Invalid"] = 20 }, report);
    }
}
