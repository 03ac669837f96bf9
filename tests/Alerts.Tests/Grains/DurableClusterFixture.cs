using Alerts.Grains.Hosting;
using Alerts.Silo.Hosting;
using Alerts.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.TestingHost;
using StackExchange.Redis;

namespace Alerts.Tests.Grains;

/// <summary>
/// A three-silo TestCluster whose grain state and reminders live in a real redis-server, so a silo can
/// be killed without losing what it saved, delivering to the real notifier.
/// </summary>
public sealed class DurableClusterFixture : IAsyncLifetime
{
    public const int ChunkRows = 200;
    private readonly TempFolder _folder = new();
    private RedisServer _redis = null!;

    public TestCluster Cluster { get; private set; } = null!;
    public NotifierHost Notifier { get; private set; } = null!;
    public string DataRoot => _folder.Combine("data");

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync(_folder.Combine("redis"));
        Notifier = await NotifierHost.StartAsync(_folder.Combine("output"), "--Notifier:PermitsPerSecond=1000000");
        var builder = new TestClusterBuilder(3);
        builder.Properties["Redis"] = _redis.ConnectionString;
        builder.Properties["Alerts:DataRoot"] = DataRoot;
        builder.Properties["Alerts:Webhook:Url"] = Notifier.WebhookUrl;
        builder.Properties["Alerts:Webhook:PermitsPerSecond"] = "1000"; // per silo: slow enough to kill mid-file
        builder.Properties["Alerts:Files:ChunkRows"] = $"{ChunkRows}";
        builder.Properties["Alerts:Files:Window"] = "1000";
        builder.Properties["Alerts:Files:WatchInbox"] = "false";
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
        await Notifier.DisposeAsync();
        await _redis.DisposeAsync();
        _folder.Dispose();
    }

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder silo)
        {
            silo.AddAlertsRedisPersistence(ConfigurationOptions.Parse(silo.Configuration["Redis"]!));
            silo.Services.AddAlertsGrainServices(silo.Configuration);
            // Evict a killed silo in about a second instead of about ten (DESIGN §6).
            silo.Services.Configure<ClusterMembershipOptions>(o =>
            {
                o.ProbeTimeout = TimeSpan.FromSeconds(1);
                o.NumMissedProbesLimit = 2;
                o.TableRefreshTimeout = TimeSpan.FromSeconds(2);
                o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(5);
            });
        }
    }
}
