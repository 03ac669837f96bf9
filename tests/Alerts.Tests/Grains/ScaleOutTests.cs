using Alerts.Grains.Interfaces;
using Alerts.Tests.Support;
using Orleans.TestingHost;

namespace Alerts.Tests.Grains;

/// <summary>A silo started while a file is in flight takes its share of that file's alerts and of the budget.</summary>
public sealed class ScaleOutTests(ScaleOutTests.OneSiloFixture fixture) : IClassFixture<ScaleOutTests.OneSiloFixture>
{
    private const int Rows = 8_000;

    [Fact]
    public async Task A_silo_added_mid_file_delivers_part_of_it_and_no_alert_is_sent_twice()
    {
        var content = InboxFiles.Csv("scale", rows: Rows, users: Rows); // every row a new user: new activations all along
        var fileId = InboxFiles.FileId(content);

        await fixture.StartFileAsync(fileId, content);
        await Eventually.Until(() => Task.FromResult(fixture.Webhook.Accepted.Count()), n => n >= Rows / 8, "an eighth of the file delivered by one silo");
        await fixture.Cluster.StartAdditionalSiloAsync();
        await fixture.CompletedAsync(fileId, TimeSpan.FromMinutes(2));

        var accepted = fixture.Webhook.Accepted.ToList();
        Assert.Equal(Rows, accepted.Count);
        Assert.Equal(Rows, accepted.Select(c => c.IdempotencyKey).Distinct().Count());
        var stats = await fixture.Grains.GetGrain<IRateLimiterGrain>(fixture.Webhook.Url).GetStatsAsync();
        Assert.Equal(2, stats.Granted.Count);
        var newcomer = stats.Granted[fixture.Cluster.Silos[^1].SiloAddress.ToString()];
        Assert.True(newcomer >= Rows / 5, $"the added silo was granted {newcomer} of {stats.Granted.Values.Sum()} permits");
        // It also took segments of the file: it read and dispatched part of it, not only sent.
        var segments = await fixture.Grains.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics();
        var onNewcomer = segments.Count(s => s.GrainId.ToString().StartsWith($"segment/{fileId}/") && s.SiloAddress.Equals(fixture.Cluster.Silos[^1].SiloAddress));
        Assert.True(onNewcomer > 0, "no segment of the file ran on the added silo");
    }

    public sealed class OneSiloFixture : ClusterFixture
    {
        public override int PermitsPerSecond => 1_000; // the file takes seconds, so the new silo joins mid-way
        protected override short InitialSilos => 1;

        // Sixteen segments of 500 rows: most start after the new silo joined, and some are placed on it.
        protected override void Configure(TestClusterBuilder builder) => builder.Properties["Alerts:Files:SegmentRows"] = "500";
    }
}
