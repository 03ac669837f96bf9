using Alerts.Grains.Hosting;
using Alerts.Grains.Inbox;
using Alerts.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Alerts.Tests.Files;

public sealed class ArchiveSweeperTests : IDisposable
{
    private readonly TempFolder _data = new();

    [Fact]
    public void Archived_and_failed_files_go_a_retention_period_after_they_were_moved_and_not_before()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-28T12:00:00Z"));
        var folders = new AlertsOptions { DataRoot = _data.Path };
        var sweeper = new ArchiveSweeper(Options.Create(folders), Options.Create(new RecordOptions { Retention = TimeSpan.FromDays(7) }), clock, NullLogger<ArchiveSweeper>.Instance);
        var old = Place(folders.Archive, "old.csv", clock.GetUtcNow().AddDays(-8));
        var failed = Place(folders.Failed, "failed.csv", clock.GetUtcNow().AddDays(-7).AddMinutes(-1));
        var recent = Place(folders.Archive, "recent.csv", clock.GetUtcNow().AddDays(-6));
        var waiting = Place(folders.Inbox, "waiting.csv", clock.GetUtcNow().AddDays(-30)); // not finished: never swept

        var first = sweeper.SweepOnce();
        clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1));
        var second = sweeper.SweepOnce();

        Assert.Equal((2, 1), (first, second));
        Assert.False(File.Exists(old) || File.Exists(failed) || File.Exists(recent));
        Assert.True(File.Exists(waiting));
    }

    private static string Place(string folder, string name, DateTimeOffset movedAt)
    {
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, name);
        File.WriteAllText(path, "u,hello\n");
        File.SetLastWriteTimeUtc(path, movedAt.UtcDateTime);
        return path;
    }

    public void Dispose() => _data.Dispose();
}
