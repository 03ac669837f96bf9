using Alerts.Tests.Support;

namespace Alerts.Tests.Integration;

/// <summary>A silo process stopped gracefully (SIGTERM) mid-file: whichever it is, no alert goes out twice.</summary>
public abstract class ScaleInTests(RedisClusterFixture cluster, bool stopTheFilesSilo)
{
    protected async Task StopOneSiloMidFileAsync()
    {
        // A slow receiver keeps requests in flight when the silo stops: those are the ones a careless stop sends again.
        await cluster.RestartNotifierAsync("--Notifier:Chaos:LatencyMs=20", "--Notifier:Chaos:JitterMs=30");
        const int rows = 10_000;
        var fileId = InboxFiles.Drop(cluster.Inbox, "scale-in.csv", InboxFiles.Csv("si", rows, users: 2_000));
        await Eventually.Until(() => cluster.FileAsync(fileId), f => f?.GetProperty("delivered").GetInt64() >= rows / 4,
            $"a quarter of the file delivered\n{cluster.Logs()}", TimeSpan.FromSeconds(120));

        await cluster.StopSiloAsync(fileId, holdingIt: stopTheFilesSilo);
        var file = (await cluster.CompletedAsync(fileId))!.Value;

        Assert.Equal((long)rows, file.GetProperty("delivered").GetInt64());
        Assert.Equal(rows, cluster.Notifier.ReadRows().Count(r => r.UserId.StartsWith("si-")));
        var repeats = (await cluster.Notifier.StatsAsync()).Duplicates; // repeats of an Idempotency-Key the notifier dropped
        Assert.True(repeats == 0, $"{repeats} alerts sent twice\n{cluster.Logs()}");
    }
}

/// <summary>Its own cluster: stops the silo that does not hold the file, so only users' grains move.</summary>
public sealed class ScaleInUsersSiloTests(RedisClusterFixture cluster) : ScaleInTests(cluster, stopTheFilesSilo: false), IClassFixture<RedisClusterFixture>
{
    [Fact]
    public Task A_silo_stopped_with_SIGTERM_mid_file_sends_no_alert_twice() => StopOneSiloMidFileAsync();
}

/// <summary>Its own cluster: stops the silo holding the file, so the file moves too and re-dispatches its window.</summary>
public sealed class ScaleInFileSiloTests(RedisClusterFixture cluster) : ScaleInTests(cluster, stopTheFilesSilo: true), IClassFixture<RedisClusterFixture>
{
    [Fact]
    public Task The_silo_holding_the_file_stopped_with_SIGTERM_mid_file_sends_no_alert_twice() => StopOneSiloMidFileAsync();
}
