using Alerts.Grains.Hosting;
using Alerts.Grains.Interfaces;
using Alerts.Grains.Interfaces.Model;
using Alerts.Tests.Support;
using Alerts.Grains.Records;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.TestingHost;

namespace Alerts.Tests.Grains;

/// <summary>A TestCluster (two silos unless a subclass says otherwise; in-memory state) delivering to a <see cref="FakeWebhook"/>, with the inbox watcher on.</summary>
public class ClusterFixture : IAsyncLifetime
{
    private readonly TempFolder _data = new();

    /// <summary>The cluster-wide send budget: high enough here not to matter.</summary>
    public virtual int PermitsPerSecond => 100_000;

    /// <summary>Silos deployed at the start; tests may start more.</summary>
    protected virtual short InitialSilos => 2;

    public TestCluster Cluster { get; private set; } = null!;
    public FakeWebhook Webhook { get; private set; } = null!;
    public string Inbox => Path.Combine(_data.Path, "inbox");
    public string DataRoot => _data.Path;
    public IGrainFactory Grains => Cluster.GrainFactory;

    public async Task InitializeAsync()
    {
        Webhook = await FakeWebhook.StartAsync();
        var builder = new TestClusterBuilder(InitialSilos);
        builder.Properties["Alerts:DataRoot"] = _data.Path;
        builder.Properties["Alerts:Webhook:Url"] = Webhook.Url;
        builder.Properties["Alerts:Webhook:PermitsPerSecond"] = $"{PermitsPerSecond}";
        builder.Properties["Alerts:Webhook:InitialBackoff"] = "00:00:00.050";
        builder.Properties["Alerts:Webhook:MaxBackoff"] = "00:00:00.200";
        builder.Properties["Alerts:Webhook:MaxAttempts"] = "10";
        builder.Properties["Alerts:Files:QuietPeriod"] = "00:00:01";
        builder.Properties["Alerts:Files:ScanInterval"] = "00:00:00.100";
        builder.Properties["Alerts:Files:ChunkRows"] = "100";
        builder.Properties["Alerts:Files:Window"] = "300";
        // Small segments, so a file of a few thousand rows runs as several segments spread over the silos.
        builder.Properties["Alerts:Files:SegmentRows"] = "1500";
        builder.Properties["Alerts:Files:ParallelSegments"] = "3";
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        Configure(builder);
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    /// <summary>What a subclass adds to the cluster (settings, more silo configurators).</summary>
    protected virtual void Configure(TestClusterBuilder builder)
    {
    }

    /// <summary>Starts a file directly (no watcher), written to a sub-folder of the inbox, which the watcher does not scan.</summary>
    public async Task StartFileAsync(string fileId, string content, DateTimeOffset? notBefore = null, FilePriority priority = FilePriority.Normal)
    {
        var folder = Path.Combine(Inbox, "direct");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, $"{fileId}.csv");
        await File.WriteAllTextAsync(path, content);
        await Grains.GetGrain<IFileGrain>(fileId).StartAsync(new FileSource
        {
            Path = path, Name = Path.GetFileName(path), Size = new FileInfo(path).Length, NotBefore = notBefore, Priority = priority,
        });
    }

    public async Task<FileSummary> CompletedAsync(string fileId, TimeSpan? timeout = null) =>
        (await Eventually.Until(() => Grains.GetGrain<IFileGrain>(fileId).GetSummaryAsync(),
            s => s?.Status == FileStatus.Completed, $"file {fileId} completed", timeout))!;

    public async Task DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
        await Webhook.DisposeAsync();
        _data.Dispose();
    }

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        // Shared by the in-process silos, as Redis is by real ones: a record one silo writes, another finds.
        private static readonly MemoryDeliveryRecords Records = new(Options.Create(new RecordOptions()), TimeProvider.System);

        public void Configure(ISiloBuilder silo)
        {
            silo.Services.AddSingleton<DeliveryRecords>(Records);
            silo.AddMemoryGrainStorage(StorageNames.Alerts);
            silo.UseInMemoryReminderService();
            silo.Services.AddAlertsGrainServices(silo.Configuration);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
