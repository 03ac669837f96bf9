using Alerts.Grains.Interfaces;
using Alerts.Grains.Interfaces.Model;
using Alerts.Tests.Support;

namespace Alerts.Tests.Grains;

/// <summary>The webhook down as a whole: the cluster's circuit opens, alerts wait without spending attempts, and all go once it is back.</summary>
[Collection(ClusterCollection.Name)]
public sealed class OutageTests(ClusterFixture fixture)
{
    private readonly string _prefix = "o" + Guid.NewGuid().ToString("n")[..8];

    [Fact]
    public async Task An_outage_longer_than_every_back_off_dead_letters_nothing_and_spends_few_attempts()
    {
        fixture.Webhook.Reset();
        var down = true;
        fixture.Webhook.Respond = (_, _) => Volatile.Read(ref down) ? 503 : 200;
        var limiter = fixture.Grains.GetGrain<IRateLimiterGrain>(fixture.Webhook.Url);
        var content = InboxFiles.Csv(_prefix, rows: 2_000, users: 200);
        var fileId = InboxFiles.FileId(content);

        await fixture.StartFileAsync(fileId, content);
        await Eventually.Until(limiter.GetStatsAsync, s => s.EndpointDown, "the circuit opens");
        var openedAt = DateTimeOffset.UtcNow;
        // Down for longer than ten attempts' back-offs (50 ms doubling to 200 ms: about 2 s) and two probes.
        await Eventually.Until(() => fixture.Webhook.Calls.Count(c => c.At > openedAt + TimeSpan.FromSeconds(2.5)) >= 1, "a probe 2.5 s after opening", TimeSpan.FromSeconds(30));
        var failedWhileOpen = fixture.Webhook.Calls.Count(c => c.At > openedAt + TimeSpan.FromSeconds(0.5));
        Volatile.Write(ref down, false);
        var summary = await fixture.CompletedAsync(fileId, TimeSpan.FromMinutes(2));

        Assert.Equal((2_000L, 0L), (summary.Delivered, summary.DeadLettered));
        Assert.InRange(failedWhileOpen, 1, 10); // probes only, not every alert's back-off
        var accepted = fixture.Webhook.Accepted.Where(c => c.UserId.StartsWith(_prefix)).ToList();
        Assert.Equal(2_000, accepted.Select(c => c.IdempotencyKey).Distinct().Count());
        Assert.Equal(2_000, accepted.Count);
        var records = await fixture.Grains.GetGrain<INotificationGrain>($"{_prefix}-1").GetDeliveriesAsync();
        // Only the attempts made before the circuit opened (leases report failures every 200 ms); without it every
        // alert would have reached the cap of 10 and been dead-lettered.
        Assert.All(records, r => Assert.True(r.Attempts < 10, $"{r.Attempts} attempts"));
        Assert.False((await limiter.GetStatsAsync()).EndpointDown);
    }
}
