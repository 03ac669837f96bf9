using System.Diagnostics.Metrics;
using Alerts.Grains.Common;
using Alerts.Grains.Interfaces;
using Alerts.Grains.Interfaces.Model;
using Alerts.Tests.Support;

namespace Alerts.Tests.Grains;

public sealed class SiloCrashTests(DurableClusterFixture fixture) : IClassFixture<DurableClusterFixture>
{
    [Fact]
    public async Task A_file_whose_silo_is_killed_mid_file_resumes_from_its_offset_and_delivers_each_row_once()
    {
        const int rows = 12_000;
        using var rowsRead = new CounterTotal(AlertsMetrics.MeterName, "alerts.file.rows_read");
        var content = InboxFiles.Csv("crash", rows, users: 3_000);
        var fileId = InboxFiles.FileId(content);
        var path = Path.Combine(fixture.DataRoot, "crash.csv");
        Directory.CreateDirectory(fixture.DataRoot);
        await File.WriteAllTextAsync(path, content);
        var file = fixture.Cluster.Client.GetGrain<IFileGrain>(fileId);

        await file.StartAsync(new FileSource { Path = path, Name = "crash.csv", Size = new FileInfo(path).Length });
        var victim = fixture.Cluster.SecondarySilos[0];
        await fixture.Cluster.MigrateAsync(file, victim.SiloAddress);
        var management = fixture.Cluster.Client.GetGrain<IManagementGrain>(0);
        await Eventually.Until(() => management.GetActivationAddress(file).AsTask(), host => host == victim.SiloAddress, "the file grain on the silo to kill");
        var beforeKill = await Eventually.Until(file.GetSummaryAsync, s => s!.Delivered >= 2_000, "a sixth of the file delivered");
        await fixture.Cluster.KillSiloAsync(victim);
        var done = await Eventually.Until(file.GetSummaryAsync, s => s!.Status == FileStatus.Completed, "the file completed after the kill", TimeSpan.FromSeconds(120));

        Assert.True(beforeKill!.Delivered < rows, "the silo was killed mid-file");
        Assert.Equal((rows, rows, 0L, rows), (done!.Rows, done.Valid, done.Invalid, done.Delivered));
        var expected = Enumerable.Range(0, rows).Select(i => ($"crash-{i % 3_000}", $"alert {i}, for you")).Order();
        Assert.Equal(expected, fixture.Notifier.ReadRows().Order()); // each row exactly once at the receiver
        // Resumed from the saved offset: at most the chunk in flight at the kill is read again, never the file.
        Assert.InRange(rowsRead.Total, rows, rows + DurableClusterFixture.ChunkRows);
    }
}

/// <summary>Sums one counter of one meter while it lives.</summary>
internal sealed class CounterTotal : IDisposable
{
    private readonly MeterListener _listener = new();
    private long _total;

    public CounterTotal(string meter, string instrument)
    {
        _listener.InstrumentPublished = (published, listener) =>
        {
            if (published.Meter.Name == meter && published.Name == instrument) listener.EnableMeasurementEvents(published);
        };
        _listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref _total, value));
        _listener.Start();
    }

    public long Total => Interlocked.Read(ref _total);

    public void Dispose() => _listener.Dispose();
}
