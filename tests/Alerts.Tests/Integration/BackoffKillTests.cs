using System.Net.Http.Json;
using System.Text.Json;
using Alerts.Tests.Support;

namespace Alerts.Tests.Integration;

/// <summary>Its own cluster (a class fixture): this test kills a silo while every alert sits in back-off.</summary>
public sealed class BackoffKillTests(BackoffKillTests.BackoffClusterFixture cluster) : IClassFixture<BackoffKillTests.BackoffClusterFixture>
{
    /// <summary>Every request fails here: the circuit would open and hold the alerts, but this test wants each in its own back-off.</summary>
    public sealed class BackoffClusterFixture : RedisClusterFixture
    {
        protected override IReadOnlyDictionary<string, string> SiloSettings { get; } =
            new Dictionary<string, string> { ["Alerts__Webhook__CircuitFailures"] = "1000000" };
    }

    private const int Users = 40;

    [Fact]
    public async Task Alerts_backing_off_when_a_silo_dies_are_all_delivered_once_and_keep_their_attempts()
    {
        await cluster.RestartNotifierAsync("--Notifier:FailureRate=1");
        var content = InboxFiles.Csv("bo", rows: 160, users: Users);
        var fileId = InboxFiles.Drop(cluster.Inbox, "backoff.csv", content);
        // Two failures each: the first is surely saved before the kill.
        await Eventually.Until(() => AllAttemptsAsync(), attempts => attempts.Count == 160 && attempts.All(a => a >= 2),
            $"every alert failed twice\n{cluster.Logs()}", TimeSpan.FromSeconds(90));

        cluster.KillSilo(1);
        await cluster.RestartNotifierAsync();
        var file = (await cluster.CompletedAsync(fileId))!.Value;

        Assert.Equal((160L, 0L), (file.GetProperty("delivered").GetInt64(), file.GetProperty("deadLettered").GetInt64()));
        Assert.Equal(160, cluster.Notifier.ReadRows().Count(r => r.UserId.StartsWith("bo-")));
        Assert.Equal(160, cluster.Notifier.ReadRows().Distinct().Count());
        Assert.All(await AllAttemptsAsync(), a => Assert.True(a >= 3, $"attempts {a}: back-off state was lost"));
    }

    private async Task<List<int>> AllAttemptsAsync()
    {
        var users = await Task.WhenAll(Enumerable.Range(0, Users).Select(u => cluster.Gateway.GetFromJsonAsync<JsonElement>($"/users/bo-{u}/alerts")));
        return [.. users.SelectMany(u => u.GetProperty("alerts").EnumerateArray()).Select(a => a.GetProperty("attempts").GetInt32())];
    }
}
