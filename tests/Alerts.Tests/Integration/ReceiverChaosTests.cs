using System.Text.Json;
using Alerts.Tests.Support;

namespace Alerts.Tests.Integration;

/// <summary>
/// Two silo processes against the real notifier scripted to misbehave as real APIs do. A cluster of their own, run
/// when no other test runs: how the limiter tells scattered 429s from a limit depends on timing a 2-core machine busy
/// with other tests' clusters does not keep.
/// </summary>
[Collection(ReceiverChaosCollection.Name)]
public sealed class ReceiverChaosTests(RedisClusterFixture cluster)
{
    private readonly string _prefix = "rc" + Guid.NewGuid().ToString("n")[..8];

    [Fact]
    public async Task A_webhook_that_redirects_gets_no_alert_recorded_Delivered_and_the_other_host_gets_nothing()
    {
        using var elsewhereOutput = new TempFolder();
        await using var elsewhere = await NotifierHost.StartAsync(elsewhereOutput.Path);
        var file = await WithNotifierAsync(
            ["--Notifier:Chaos:RedirectStatus=308", $"--Notifier:Chaos:RedirectTo={elsewhere.WebhookUrl}"],
            () => DeliverAsync(rows: 20));

        Assert.Equal((0L, 20L), (file.GetProperty("delivered").GetInt64(), file.GetProperty("deadLettered").GetInt64()));
        var deadLetter = file.GetProperty("deadLetters")[0];
        Assert.Equal(308, deadLetter.GetProperty("httpStatus").GetInt32());
        Assert.Contains(elsewhere.WebhookUrl, deadLetter.GetProperty("error").GetString());
        Assert.Equal(0, (await elsewhere.StatsAsync()).Received);
        Assert.DoesNotContain(cluster.Notifier.ReadRows(), r => r.UserId.StartsWith(_prefix + "-"));
    }

    [Fact]
    public async Task Connections_refused_for_seconds_dead_letter_nothing_spend_few_attempts_and_every_alert_arrives_once()
    {
        // Without the circuit each alert would back off 0.5 s, 1 s, 2 s, 2 s … : five or more attempts in 8 s.
        var file = await WithNotifierAsync(
            ["--Notifier:Chaos:OutageMode=Refuse", "--Notifier:Chaos:OutageSeconds=8"],
            () => DeliverAsync(rows: 200));

        Assert.Equal((200L, 0L), (file.GetProperty("delivered").GetInt64(), file.GetProperty("deadLettered").GetInt64()));
        var rows = cluster.Notifier.ReadRows().Where(r => r.UserId.StartsWith(_prefix + "-")).ToList();
        Assert.Equal(200, rows.Count);
        Assert.Equal(200, rows.Distinct().Count());
        var report = await cluster.ReportAsync(fileId: file.GetProperty("fileId").GetString()!);
        Assert.All(report.Skip(1), line => Assert.InRange(int.Parse(line[3]), 1, 4));
    }

    [Fact]
    public async Task A_Retry_After_of_days_pauses_the_cluster_only_for_the_maximum()
    {
        var (file, throttled) = await WithNotifierAsync(
            ["--Notifier:Chaos:ThrottleFirst=1", "--Notifier:Chaos:RetryAfter=999999"],
            async () => (await DeliverAsync(rows: 30), (await cluster.Notifier.StatsAsync()).Throttled)); // within CompletedAsync's 2 minutes: the cap is 3 s

        Assert.Equal(1, throttled);
        Assert.Equal((30L, 0L), (file.GetProperty("delivered").GetInt64(), file.GetProperty("deadLettered").GetInt64()));
    }

    [Fact]
    public async Task A_webhook_that_refuses_a_fifth_of_requests_at_random_gets_every_alert_once_without_pausing_the_cluster_for_each_429()
    {
        // Pausing everyone for each new 429 paused the cluster every second or so, at a few alerts a second between:
        // two pauses tell the 429s apart from a limit, and after them they pause nobody.
        var pausesBefore = await cluster.SiloCountersAsync("alerts_ratelimit_pauses_total");
        var (file, throttled) = await WithNotifierAsync(
            ["--Notifier:Chaos:ThrottleShare=0.2"],
            async () => (await DeliverAsync(rows: 1_500), (await cluster.Notifier.StatsAsync()).Throttled));
        var pauses = (await cluster.SiloCountersAsync("alerts_ratelimit_pauses_total")).Zip(pausesBefore, (after, before) => after - before).ToList();

        Assert.Equal((1_500L, 0L), (file.GetProperty("delivered").GetInt64(), file.GetProperty("deadLettered").GetInt64()));
        Assert.InRange(throttled, 100, 1_000);
        Assert.Equal(2, pauses.Count); // both silos answered
        // Two pauses tell scattered 429s apart; a noisy second may end that judgement and cost one more now and then,
        // far from the hundreds of pauses of one per 429.
        Assert.True(pauses.All(taken => taken is >= 1 and <= 6), $"pauses per silo: {string.Join(", ", pauses)}; {throttled} 429s\n{cluster.Logs()}");
        var rows = cluster.Notifier.ReadRows().Where(r => r.UserId.StartsWith(_prefix + "-")).ToList();
        Assert.Equal(1_500, rows.Count);
        Assert.Equal(1_500, rows.Distinct().Count());
    }

    private async Task<JsonElement> DeliverAsync(int rows)
    {
        var content = InboxFiles.Csv(_prefix, rows, users: Math.Max(1, rows / 4));
        var fileId = InboxFiles.Drop(cluster.Inbox, $"{_prefix}.csv", content);
        return (await cluster.CompletedAsync(fileId))!.Value;
    }

    /// <summary>Runs <paramref name="body"/> against a notifier started with these chaos settings, then restores a polite one.</summary>
    private async Task<T> WithNotifierAsync<T>(string[] chaos, Func<Task<T>> body)
    {
        await cluster.RestartNotifierAsync(chaos);
        try
        {
            return await body();
        }
        finally
        {
            await cluster.RestartNotifierAsync();
        }
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ReceiverChaosCollection : ICollectionFixture<RedisClusterFixture>
{
    public const string Name = "receiver chaos";
}
