using Alerts.Grains.Interfaces;
using Alerts.Tests.Support;
using Orleans.TestingHost;

namespace Alerts.Tests.Grains;

/// <summary>
/// Alerts that backed off as the webhook went down go as soon as it is back (its circuit closes), not after their own
/// back-offs: ten minutes here, which would hold the file long after the receiver returned.
/// </summary>
public sealed class RecoveryTests(RecoveryTests.LongBackoffFixture fixture) : IClassFixture<RecoveryTests.LongBackoffFixture>
{
    [Fact]
    public async Task Alerts_that_backed_off_in_an_outage_are_due_when_the_webhook_is_back()
    {
        var down = true;
        fixture.Webhook.Respond = (_, _) => Volatile.Read(ref down) ? 503 : 200;
        var limiter = fixture.Grains.GetGrain<IRateLimiterGrain>(fixture.Webhook.Url);
        var content = InboxFiles.Csv("recovery", rows: 300, users: 300);
        var fileId = InboxFiles.FileId(content);

        await fixture.StartFileAsync(fileId, content);
        await Eventually.Until(limiter.GetStatsAsync, s => s.EndpointDown, "the circuit opens");
        var refused = fixture.Webhook.Calls.Where(c => c.Status == 503).Select(c => c.IdempotencyKey).ToHashSet();
        Volatile.Write(ref down, false);
        var summary = await fixture.CompletedAsync(fileId, TimeSpan.FromSeconds(90));

        Assert.Equal((300L, 0L), (summary.Delivered, summary.DeadLettered));
        Assert.True(refused.Count >= 3, $"{refused.Count} alerts refused before the circuit opened");
        var accepted = fixture.Webhook.Accepted.Select(c => c.IdempotencyKey).ToList();
        Assert.Superset(refused, accepted.ToHashSet()); // each backed off ten minutes, yet went within the minute and a half
        Assert.Equal(300, accepted.Distinct().Count());
        Assert.Equal(300, accepted.Count);
    }

    public sealed class LongBackoffFixture : ClusterFixture
    {
        public override int PermitsPerSecond => 50; // most alerts still wait for permits (spending nothing) when it opens

        protected override void Configure(TestClusterBuilder builder)
        {
            builder.Properties["Alerts:Webhook:InitialBackoff"] = "00:10:00";
            builder.Properties["Alerts:Webhook:MaxBackoff"] = "00:10:00";
            builder.Properties["Alerts:Webhook:CircuitFailures"] = "3";
        }
    }
}
