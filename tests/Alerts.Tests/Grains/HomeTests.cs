using Alerts.Grains.Interfaces;
using Alerts.Grains.Placement;
using Alerts.Tests.Support;
using Orleans.TestingHost;

namespace Alerts.Tests.Grains;

/// <summary>
/// Users' grains live at their home silo, and a silo that joins takes the users homed on it, busy ones included,
/// with every alert delivered once.
/// </summary>
public sealed class HomeTests(HomeTests.OneSiloFixture fixture) : IClassFixture<HomeTests.OneSiloFixture>
{
    private const int Users = 200;
    private const int Rows = 8_000; // 40 alerts a user, spread over the file: every user is busy before and after the join

    [Fact]
    public async Task A_silo_that_joins_takes_the_busy_users_homed_on_it_and_no_alert_is_sent_twice()
    {
        var content = InboxFiles.Csv("homes", rows: Rows, users: Users);
        var fileId = InboxFiles.FileId(content);

        await fixture.StartFileAsync(fileId, content);
        await Eventually.Until(() => Task.FromResult(fixture.Webhook.Accepted.Count()), n => n >= Rows / 8, "an eighth of the file delivered by one silo");
        // Held while the silo joins, however long that takes on a loaded machine: the rest of the file meets both silos.
        var file = fixture.Grains.GetGrain<IFileGrain>(fileId);
        await file.PauseAsync();
        var newcomer = (await fixture.Cluster.StartAdditionalSiloAsync()).SiloAddress;
        var before = (await fixture.Grains.GetGrain<IRateLimiterGrain>(fixture.Webhook.Url).GetStatsAsync()).Granted.Values.Sum();
        await file.ResumeAsync();
        await fixture.CompletedAsync(fileId, TimeSpan.FromMinutes(2));

        var accepted = fixture.Webhook.Accepted.ToList();
        Assert.Equal(Rows, accepted.Count);
        Assert.Equal(Rows, accepted.Select(c => c.IdempotencyKey).Distinct().Count());
        var granted = (await fixture.Grains.GetGrain<IRateLimiterGrain>(fixture.Webhook.Url).GetStatsAsync()).Granted;
        var share = (double)granted.GetValueOrDefault(newcomer.ToString()) / (granted.Values.Sum() - before);
        Assert.True(share >= 0.3, $"the added silo was granted {share:P0} of the permits after it joined (an even share: 50 %)");

        // Those away from home leave once idle: the users' grains left are each at home, the newcomer holding its share.
        var ring = new HomeRing(fixture.Cluster.Silos.Select(s => s.SiloAddress));
        var users = await Eventually.Until(async () => (await fixture.Grains.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics())
                .Where(s => s.GrainId.Type.ToString() == "notification").ToList(),
            found => found.All(user => user.SiloAddress.Equals(ring.HomeOf(user.GrainId))), "every user's grain at home");
        Assert.True(users.Count >= Users / 2, $"{users.Count} users' grains active after the file");
        Assert.InRange(users.Count(u => u.SiloAddress.Equals(newcomer)), users.Count / 4, users.Count * 3 / 4);
    }

    public sealed class OneSiloFixture : ClusterFixture
    {
        public override int PermitsPerSecond => 500; // the file takes 16 s: the new silo joins early in it
        protected override short InitialSilos => 1;
    }
}
