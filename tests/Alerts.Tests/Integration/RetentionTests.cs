using System.Net;
using Alerts.Tests.Support;
using StackExchange.Redis;

namespace Alerts.Tests.Integration;

/// <summary>
/// Its own cluster with a 3-second retention and users let go after 2 idle seconds: a finished file leaves nothing
/// behind in Redis, the list or the archive, and its users' grains leave the silos' memory.
/// </summary>
public sealed class RetentionTests(RetentionTests.ShortRetentionFixture cluster) : IClassFixture<RetentionTests.ShortRetentionFixture>
{
    public sealed class ShortRetentionFixture : RedisClusterFixture
    {
        protected override IReadOnlyDictionary<string, string> SiloSettings { get; } = new Dictionary<string, string>
        {
            ["Alerts__Records__Retention"] = "00:00:03",
            ["Alerts__Records__SweepInterval"] = "00:00:01",
            ["Alerts__Webhook__IdleUserAfter"] = "00:00:02",
        };
    }

    [Fact]
    public async Task A_finished_file_is_forgotten_after_the_retention_period_and_the_same_content_is_then_a_new_file()
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(cluster.RedisConnectionString);
        var content = InboxFiles.Csv("kept", rows: 2_500, users: 100); // three segments of 1,000 rows
        var fileId = InboxFiles.Drop(cluster.Inbox, "kept.csv", content);
        await cluster.CompletedAsync(fileId);
        var keysWhileKept = await KeysOfAsync(redis, fileId);
        var activationsWhileBusy = await UserGrainsAsync();
        var archived = Path.Combine(cluster.Inbox, "archive", "kept.csv");
        var archivedWhileKept = File.Exists(archived);

        await Eventually.Until(() => cluster.Gateway.GetAsync($"/files/{fileId}"), r => r.StatusCode == HttpStatusCode.NotFound,
            $"the file forgotten\n{cluster.Logs()}", TimeSpan.FromSeconds(60));
        await Eventually.Until(() => !File.Exists(archived), "the archived copy deleted", TimeSpan.FromSeconds(30));

        Assert.Contains(keysWhileKept, k => k.Contains("/records/")); // its alerts' records were kept until then
        Assert.Equal(3, keysWhileKept.Count(k => k.Contains($"segment/{fileId}/"))); // and its segments' states
        Assert.InRange(activationsWhileBusy, 1, 100); // idle after 2 s, some may be let go already on a loaded machine
        Assert.True(archivedWhileKept);
        Assert.Empty(await KeysOfAsync(redis, fileId));
        Assert.DoesNotContain(fileId, await cluster.Gateway.GetStringAsync("/files"));
        await Eventually.Until(UserGrainsAsync, n => n == 0, "its idle users' grains let go", TimeSpan.FromSeconds(30));

        // Dedupe lasts as long as the retention: the same content afterwards is delivered again.
        InboxFiles.Drop(cluster.Inbox, "again.csv", content);
        var again = (await cluster.CompletedAsync(fileId))!.Value;
        Assert.Equal(2_500, again.GetProperty("delivered").GetInt64());
    }

    private async Task<long> UserGrainsAsync() => (await cluster.SiloCountersAsync("orleans_catalog_activations", "grain_type=\"notification\"")).Sum();

    private static async Task<List<string>> KeysOfAsync(ConnectionMultiplexer redis, string fileId)
    {
        var keys = new List<string>();
        await foreach (var key in redis.GetServers()[0].KeysAsync(pattern: $"*{fileId}*")) keys.Add(key.ToString());
        return keys;
    }
}
