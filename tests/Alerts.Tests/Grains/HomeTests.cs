using Alerts.Grains.Interfaces;
using Alerts.Grains.Placement;
using Alerts.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
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
        var users = await Eventually.Until(() => UserGrainsAsync(fixture.Grains),
            found => found.All(user => user.SiloAddress.Equals(ring.HomeOf(user.GrainId))), "every user's grain at home");
        Assert.True(users.Count >= Users / 2, $"{users.Count} users' grains active after the file");
        Assert.InRange(users.Count(u => u.SiloAddress.Equals(newcomer)), users.Count / 4, users.Count * 3 / 4);
    }

    /// <summary>Every user's grain active in the cluster, and its silo.</summary>
    internal static async Task<List<DetailedGrainStatistic>> UserGrainsAsync(IGrainFactory grains) =>
        [.. (await grains.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics()).Where(s => s.GrainId.Type.ToString() == "notification")];

    public sealed class OneSiloFixture : ClusterFixture
    {
        public override int PermitsPerSecond => 500; // the file takes 16 s: the new silo joins early in it
        protected override short InitialSilos => 1;
    }
}

/// <summary>
/// A user whose only work after a silo joined comes from its own timer (its alerts backing off), with no dispatch to
/// reach it, goes home all the same.
/// </summary>
public sealed class WokenUserHomeTests(WokenUserHomeTests.BackingOffFixture fixture) : IClassFixture<WokenUserHomeTests.BackingOffFixture>
{
    private const int Users = 100;
    private const int Rows = 300; // one window (the fixture's): the whole file is with its users before the join

    [Fact]
    public async Task A_user_woken_by_its_own_back_off_after_a_silo_joined_goes_home()
    {
        var content = InboxFiles.Csv("woken", rows: Rows, users: Users);
        var fileId = InboxFiles.FileId(content);
        var webhookBack = new TaskCompletionSource();
        fixture.Webhook.Respond = (_, _) => webhookBack.Task.IsCompleted ? 200 : 503;

        await fixture.StartFileAsync(fileId, content);
        await Eventually.Until(async () => ((await fixture.Grains.GetGrain<IFileGrain>(fileId).GetSummaryAsync())?.Rows, (await UsersAsync()).Count,
                fixture.Webhook.Calls.Select(c => c.IdempotencyKey).Distinct().Count()),
            seen => seen == (Rows, Users, Rows), "every alert tried once, and backing off");
        var newcomer = (await fixture.Cluster.StartAdditionalSiloAsync()).SiloAddress;
        // Users move by their own silo's view of the members: the first silo's must have the newcomer.
        var homes = ((InProcessSiloHandle)fixture.Cluster.Primary!).SiloHost.Services.GetRequiredService<UserHomes>();
        await Eventually.Until(() => Enumerable.Range(0, Users).Any(i => newcomer.Equals(homes.HomeOf(User(i)))), "the first silo sees the newcomer");
        webhookBack.SetResult();
        await fixture.CompletedAsync(fileId, TimeSpan.FromMinutes(2));

        var accepted = fixture.Webhook.Accepted.ToList();
        Assert.Equal(Rows, accepted.Count);
        Assert.Equal(Rows, accepted.Select(c => c.IdempotencyKey).Distinct().Count());
        // Woken away from home, each leaves once idle; left where it was, it would stay there for its idle age (2 min).
        var ring = new HomeRing(fixture.Cluster.Silos.Select(s => s.SiloAddress));
        var users = await Eventually.Until(UsersAsync, found => found.All(user => user.SiloAddress.Equals(ring.HomeOf(user.GrainId))),
            "every user's grain at home", TimeSpan.FromSeconds(30));
        Assert.InRange(users.Count(u => u.SiloAddress.Equals(fixture.Cluster.Primary!.SiloAddress)), Users / 4, Users * 3 / 4);
    }

    private GrainId User(int i) => fixture.Grains.GetGrain<INotificationGrain>($"woken-{i}").GetGrainId();

    private Task<List<DetailedGrainStatistic>> UsersAsync() => HomeTests.UserGrainsAsync(fixture.Grains);

    public sealed class BackingOffFixture : ClusterFixture
    {
        protected override short InitialSilos => 1;

        // Each alert's first 503 puts it off for 20 s, past the join, and the circuit stays closed, so it is the
        // user's own timer that wakes it (an open circuit holds alerts in the queue, not in back-offs).
        protected override void Configure(TestClusterBuilder builder)
        {
            builder.Properties["Alerts:Webhook:InitialBackoff"] = "00:00:20";
            builder.Properties["Alerts:Webhook:MaxBackoff"] = "00:00:20";
            builder.Properties["Alerts:Webhook:CircuitFailures"] = "100000";
        }
    }
}
