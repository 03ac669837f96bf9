using Alerts.Grains.Hosting;
using Alerts.Grains.Interfaces;
using Alerts.Grains.Interfaces.Model;
using Alerts.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Orleans.TestingHost;

namespace Alerts.Tests.Grains;

/// <summary>
/// Starting a file is three writes (the list of files, the resume reminder, the file's state). Whichever one fails,
/// as after a crash between them, the watcher's next try starts the file once and every alert goes once; nothing is
/// left half-started.
/// </summary>
public sealed class StartFaultTests(StartFaultTests.FaultyStorageFixture fixture) : IClassFixture<StartFaultTests.FaultyStorageFixture>
{
    public sealed class FaultyStorageFixture : ClusterFixture
    {
        protected override short InitialSilos => 1;

        protected override void Configure(TestClusterBuilder builder) => builder.AddSiloBuilderConfigurator<FaultyStorage>();

        private sealed class FaultyStorage : ISiloConfigurator
        {
            public void Configure(ISiloBuilder silo)
            {
                silo.AddMemoryGrainStorage("healthy");
                silo.Services.AddKeyedSingleton<IGrainStorage>(StorageNames.Alerts, (sp, _) => new FaultyGrainStorage(sp.GetRequiredKeyedService<IGrainStorage>("healthy")));
            }
        }
    }

    [Theory]
    [InlineData("fileregistry")] // the list of files: nothing else written yet
    [InlineData("file")] // the file's own state: listed, reminder set, state lost
    public async Task A_file_whose_start_failed_at_a_write_is_started_by_the_next_try_and_sent_once(string failing)
    {
        var prefix = $"start-{failing}-" + Guid.NewGuid().ToString("n")[..6];
        var content = InboxFiles.Csv(prefix, rows: 60, users: 20);
        var fileId = InboxFiles.FileId(content);
        var key = failing == "fileregistry" ? null : fileId;
        FaultyGrainStorage.FailNextWriteOf(failing, key);

        InboxFiles.Drop(fixture.Inbox, $"{prefix}.csv", content);
        var summary = await fixture.CompletedAsync(fileId);

        Assert.False(FaultyGrainStorage.IsArmed(failing, key), "the write never failed");
        Assert.Equal((60L, 0L), (summary.Delivered, summary.Pending));
        var sent = fixture.Webhook.Accepted.Where(c => c.UserId.StartsWith(prefix)).ToList();
        Assert.Equal(60, sent.Count);
        Assert.Equal(60, sent.Select(c => c.IdempotencyKey).Distinct().Count());
        Assert.Contains(await fixture.Grains.GetGrain<IFileRegistryGrain>(0).ListAsync(100), f => f.FileId == fileId);
    }
}
