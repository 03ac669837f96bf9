using System.Diagnostics;
using Alerts.Grains.Files;
using Alerts.Grains.Hosting;
using Alerts.Grains.Interfaces;
using Alerts.Grains.Interfaces.Model;
using System.Text;
using Alerts.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Orleans.TestingHost;

namespace Alerts.Tests.Grains;

[Collection(ClusterCollection.Name)]
public sealed class EndToEndTests(ClusterFixture fixture)
{
    private readonly string _prefix = "u" + Guid.NewGuid().ToString("n")[..8];

    [Fact]
    public async Task A_dropped_file_is_delivered_once_per_alert_with_the_right_counts()
    {
        fixture.Webhook.Reset();
        var content = $"userId,alertMessage\n{_prefix}-a,hello\n{_prefix}-b,\"hi, there\"\n{_prefix}-a,hello\n,no user\n{_prefix}-c,bye\n";

        var fileId = InboxFiles.Drop(fixture.Inbox, $"{_prefix}.csv", content);
        var summary = await CompletedAsync(fileId);

        Assert.Equal((5L, 4L, 1L, 1L, 3L, 0L, 0L), (summary.Rows, summary.Valid, summary.Invalid, summary.DuplicateRows, summary.Delivered, summary.DeadLettered, summary.Pending));
        Assert.Equal([new InvalidRow(5, "empty user id")], summary.InvalidRows);
        Assert.Equal(
            [($"{_prefix}-a", "hello"), ($"{_prefix}-b", "hi, there"), ($"{_prefix}-c", "bye")],
            fixture.Webhook.AcceptedFor(_prefix).Select(c => (c.UserId, c.AlertMessage)).Order());
        Assert.True(File.Exists(Path.Combine(fixture.Inbox, "archive", $"{_prefix}.csv")));
    }

    [Fact]
    public async Task A_users_grain_seen_once_goes_soon_after_its_alert_and_one_with_more_alerts_stays_for_the_idle_age()
    {
        var content = "userId,alertMessage\n" + string.Concat(Enumerable.Range(0, 20).Select(i => $"{_prefix}-once-{i},hi\n"))
            + $"{_prefix}-twice,first\n{_prefix}-twice,second\n";

        var fileId = InboxFiles.Drop(fixture.Inbox, $"{_prefix}.csv", content);
        await CompletedAsync(fileId);

        // The idle age is two minutes here; a user seen once goes within seconds of its alert.
        var left = await Eventually.Until(UsersAsync, users => !users.Any(u => u.Contains("-once-")), "users seen once let go", TimeSpan.FromSeconds(30));
        Assert.Contains(left, u => u.EndsWith("-twice"));
    }

    private async Task<List<string>> UsersAsync() =>
        [.. (await fixture.Grains.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics())
            .Select(s => s.GrainId.ToString()).Where(id => id.StartsWith("notification/") && id.Contains(_prefix))];

    [Fact]
    public async Task A_file_saved_on_its_way_to_the_archive_but_never_moved_is_moved_there_by_its_next_activation()
    {
        // The crash this stands for: the silo died after saving the file's archive path and before moving the file.
        var fileId = _prefix + "000000000000";
        var folder = Path.Combine(fixture.DataRoot, "processing", fileId);
        Directory.CreateDirectory(folder);
        var taken = Path.Combine(folder, $"{_prefix}.csv");
        await File.WriteAllTextAsync(taken, "userId,alertMessage\nu1,hi\n");
        var archived = Path.Combine(fixture.DataRoot, "archive", $"{_prefix}.csv");
        var now = DateTimeOffset.UtcNow;
        var saved = new FileState { Path = archived, MovingFrom = taken, Name = $"{_prefix}.csv", Status = FileStatus.Completed, DiscoveredAt = now, CompletedAt = now };
        var grain = fixture.Grains.GetGrain<IFileGrain>(fileId);
        var storage = ((InProcessSiloHandle)fixture.Cluster.Primary!).SiloHost.Services.GetRequiredKeyedService<IGrainStorage>(StorageNames.Alerts);
        await storage.WriteStateAsync("file", grain.GetGrainId(), new GrainState<FileState>(saved));

        var summary = await grain.GetSummaryAsync();

        Assert.Equal(FileStatus.Completed, summary!.Status);
        Assert.True(File.Exists(archived));
        Assert.False(Directory.Exists(folder));
    }

    [Fact]
    public async Task The_same_content_dropped_twice_is_processed_once()
    {
        fixture.Webhook.Reset();
        var content = InboxFiles.Csv(_prefix, rows: 50, users: 50);

        var fileId = InboxFiles.Drop(fixture.Inbox, $"{_prefix}-1.csv", content);
        await CompletedAsync(fileId);
        InboxFiles.Drop(fixture.Inbox, $"{_prefix}-2.csv", content);
        await Eventually.Until(() => !File.Exists(Path.Combine(fixture.Inbox, $"{_prefix}-2.csv")), "the repeat set aside");

        Assert.Equal(50, fixture.Webhook.AcceptedFor(_prefix).Count());
        Assert.Equal(50, fixture.Webhook.AcceptedFor(_prefix).Select(c => c.IdempotencyKey).Distinct().Count());
    }

    [Fact]
    public async Task Transient_failures_are_retried_and_delivered_once()
    {
        fixture.Webhook.Reset();
        // Half the users fail once each: the receiver keeps answering the rest, so this is no outage for the circuit.
        fixture.Webhook.Respond = (call, attempt) => attempt == 1 && int.Parse(call.UserId[(call.UserId.LastIndexOf('-') + 1)..]) % 2 == 0 ? 503 : 200;
        var content = InboxFiles.Csv(_prefix, rows: 40, users: 10);
        var fileId = InboxFiles.FileId(content);

        await StartAsync(fileId, content);
        var summary = await CompletedAsync(fileId);

        Assert.Equal(40, summary.Delivered);
        Assert.Equal(40, fixture.Webhook.AcceptedFor(_prefix).Select(c => c.IdempotencyKey).Distinct().Count());
        Assert.Equal(40, fixture.Webhook.AcceptedFor(_prefix).Count());
        var records = await fixture.Grains.GetGrain<INotificationGrain>($"{_prefix}-0").GetDeliveriesAsync();
        Assert.Equal(4, records.Count);
        Assert.All(records, r => Assert.Equal((true, 2, 200), (r.Delivered, r.Attempts, r.HttpStatus)));
    }

    [Fact]
    public async Task Permanent_failures_are_dead_lettered_and_the_file_completes()
    {
        fixture.Webhook.Reset();
        fixture.Webhook.Respond = (call, _) => call.UserId.EndsWith("-1") ? 400 : 200;
        var content = InboxFiles.Csv(_prefix, rows: 10, users: 5);
        var fileId = InboxFiles.FileId(content);

        await StartAsync(fileId, content);
        var summary = await CompletedAsync(fileId);

        Assert.Equal((8L, 2L), (summary.Delivered, summary.DeadLettered));
        var records = await fixture.Grains.GetGrain<INotificationGrain>($"{_prefix}-1").GetDeliveriesAsync();
        Assert.All(records, r => Assert.Equal((false, 1, 400), (r.Delivered, r.Attempts, r.HttpStatus)));
    }

    [Fact]
    public async Task Thousands_of_alerts_flow_without_a_call_cycle()
    {
        fixture.Webhook.Reset();
        var content = InboxFiles.Csv(_prefix, rows: 5_000, users: 200);
        var fileId = InboxFiles.FileId(content);

        await StartAsync(fileId, content);
        var summary = await CompletedAsync(fileId, TimeSpan.FromSeconds(120));

        Assert.Equal(5_000, summary.Delivered);
        Assert.Equal(5_000, fixture.Webhook.AcceptedFor(_prefix).Select(c => c.IdempotencyKey).Distinct().Count());
        Assert.Equal(5_000, fixture.Webhook.AcceptedFor(_prefix).Count());
    }

    [Fact]
    public async Task An_empty_file_fails_with_a_reason_and_moves_to_failed()
    {
        var fileId = InboxFiles.Drop(fixture.Inbox, $"{_prefix}-empty.csv", "");

        var summary = await Eventually.Until(() => fixture.Grains.GetGrain<IFileGrain>(fileId).GetSummaryAsync(),
            s => s?.Status == FileStatus.Failed, "the empty file failed");

        Assert.Equal("file is empty", summary!.Error);
        // Failed is saved (and may be read, the grain being reentrant) before the file is moved.
        await Eventually.Until(() => File.Exists(Path.Combine(fixture.Inbox, "failed", $"{_prefix}-empty.csv")), "the empty file moved to failed/");
    }

    [Fact]
    public async Task A_file_written_slowly_under_its_final_name_is_taken_only_once_complete()
    {
        fixture.Webhook.Reset();
        // A writer that itself stalls for the quiet period (1 s) on a loaded machine has a file rightly taken part-way:
        // such a try proves nothing either way, so it is written again, under a name and users of its own.
        for (var attempt = 0; ; attempt++)
        {
            var prefix = $"{_prefix}t{attempt}";
            var content = InboxFiles.Csv(prefix, rows: 30, users: 30);
            var longestPause = await WriteSlowlyAsync(Path.Combine(fixture.Inbox, $"{prefix}-slow.csv"), content);
            if (longestPause >= TimeSpan.FromSeconds(0.8) && attempt < 3) continue;

            var summary = await CompletedAsync(InboxFiles.FileId(content));

            Assert.Equal(30, summary.Delivered);
            Assert.Equal(30, fixture.Webhook.AcceptedFor(prefix).Count());
            return;
        }
    }

    private static async Task<TimeSpan> WriteSlowlyAsync(string path, string content)
    {
        var longest = TimeSpan.Zero;
        await using var writer = new StreamWriter(path);
        foreach (var line in content.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var started = Stopwatch.GetTimestamp();
            await writer.WriteLineAsync(line);
            await writer.FlushAsync();
            await Task.Delay(50); // 1.5 s in all, longer than the quiet period, with pauses well inside it
            var pause = Stopwatch.GetElapsedTime(started);
            if (pause > longest) longest = pause;
        }
        return longest;
    }

    [Fact]
    public async Task A_json_lines_file_is_delivered_and_its_bad_lines_reported()
    {
        fixture.Webhook.Reset();
        var content = $"{{\"userId\":\"{_prefix}-1\",\"alertMessage\":\"one\"}}\n{{\"userId\":\"{_prefix}-2\"}}\n{{\"userId\":\"{_prefix}-3\",\"alertMessage\":\"three\"}}\n";

        var fileId = InboxFiles.Drop(fixture.Inbox, $"{_prefix}.ndjson", content);
        var summary = await CompletedAsync(fileId);

        Assert.Equal((FileFormat.JsonLines, 3L, 2L, 1L, 2L), (summary.Format, summary.Rows, summary.Valid, summary.Invalid, summary.Delivered));
        Assert.Equal([new InvalidRow(2, "missing alertMessage (a string)")], summary.InvalidRows);
    }

    [Fact]
    public async Task A_binary_file_fails_with_a_reason_and_moves_to_failed()
    {
        var fileId = InboxFiles.Drop(fixture.Inbox, $"{_prefix}.csv", [0x50, 0x4B, 0x03, 0x04, 0x00, 0x00, 0x08, 0x00]);

        var summary = await Eventually.Until(() => fixture.Grains.GetGrain<IFileGrain>(fileId).GetSummaryAsync(),
            s => s?.Status == FileStatus.Failed, "the binary file failed");

        Assert.Equal("not a UTF-8 text file (binary content)", summary!.Error);
        await Eventually.Until(() => File.Exists(Path.Combine(fixture.Inbox, "failed", $"{_prefix}.csv")), "the file moved to failed"); // moved after the status is set
    }

    [Fact]
    public async Task Files_are_listed_newest_first()
    {
        var first = InboxFiles.Csv(_prefix + "a", rows: 1, users: 1);
        var second = InboxFiles.Csv(_prefix + "b", rows: 1, users: 1);
        await StartAsync(InboxFiles.FileId(first), first);
        await StartAsync(InboxFiles.FileId(second), second);

        var listed = await fixture.Grains.GetGrain<IFileRegistryGrain>(0).ListAsync(2);

        Assert.Equal([InboxFiles.FileId(second), InboxFiles.FileId(first)], listed.Select(f => f.FileId));
    }

    [Fact]
    public async Task A_caller_cannot_make_a_silo_read_a_file_outside_the_inbox()
    {
        using var outside = new TempFolder();
        var path = Path.Combine(outside.Path, "users.csv");
        await File.WriteAllTextAsync(path, InboxFiles.Csv(_prefix, rows: 3, users: 3));
        var file = fixture.Grains.GetGrain<IFileGrain>(new string('e', 64));

        await Assert.ThrowsAsync<ArgumentException>(() => file.StartAsync(new FileSource { Path = "/etc/passwd", Name = "passwd", Size = 1 }));
        await Assert.ThrowsAsync<ArgumentException>(() => file.StartAsync(new FileSource { Path = path, Name = "users.csv", Size = 1 }));
        await Assert.ThrowsAsync<ArgumentException>(() => file.StartAsync(new FileSource { Path = $"{fixture.Inbox}/../direct.csv", Name = "direct.csv", Size = 1 }));

        Assert.Null(await file.GetSummaryAsync());
        Assert.True(File.Exists(path)); // not moved into the archive either
    }

    [Fact]
    public async Task A_link_in_the_inbox_leading_out_of_the_data_root_is_never_taken()
    {
        fixture.Webhook.Reset();
        using var outside = new TempFolder();
        var secret = Path.Combine(outside.Path, "elsewhere.csv");
        await File.WriteAllTextAsync(secret, InboxFiles.Csv(_prefix + "-secret", rows: 5, users: 5));
        File.CreateSymbolicLink(Path.Combine(fixture.Inbox, $"{_prefix}-link.csv"), secret);

        var after = InboxFiles.Drop(fixture.Inbox, $"{_prefix}-after.csv", InboxFiles.Csv(_prefix, rows: 5, users: 5));
        await CompletedAsync(after); // dropped after the link: by now the watcher has passed the link many times

        Assert.DoesNotContain(fixture.Webhook.Calls, c => c.UserId.StartsWith(_prefix + "-secret"));
        Assert.Null(await fixture.Grains.GetGrain<IFileGrain>(InboxFiles.FileId(await File.ReadAllTextAsync(secret))).GetSummaryAsync());
        Assert.True(File.Exists(Path.Combine(fixture.Inbox, $"{_prefix}-link.csv")));
    }

    [Fact]
    public async Task A_fifo_in_the_inbox_is_not_taken_and_does_not_stall_the_files_after_it()
    {
        var fifo = Path.Combine(fixture.Inbox, $"{_prefix}-pipe.csv");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", fifo)) await mkfifo.WaitForExitAsync();

        var after = InboxFiles.Drop(fixture.Inbox, $"{_prefix}-after-pipe.csv", InboxFiles.Csv(_prefix, rows: 5, users: 5));
        await CompletedAsync(after); // opening the pipe would have blocked the watcher before it reached this file
        var direct = fixture.Grains.GetGrain<IFileGrain>(new string('f', 64));

        await Assert.ThrowsAsync<ArgumentException>(() => direct.StartAsync(new FileSource { Path = fifo, Name = "pipe.csv", Size = 0 }));
        Assert.True(File.Exists(fifo));
    }

    [Fact]
    public async Task Rows_appended_by_name_after_a_file_was_taken_are_delivered_once_as_a_file_of_their_own()
    {
        fixture.Webhook.Reset();
        var first = InboxFiles.Csv(_prefix, rows: 30, users: 30);
        var appended = InboxFiles.Csv(_prefix + "-more", rows: 10, users: 10);
        var path = Path.Combine(fixture.Inbox, $"{_prefix}-log.csv");
        var fileId = InboxFiles.Drop(fixture.Inbox, $"{_prefix}-log.csv", first);
        await Eventually.Until(() => !File.Exists(path), "the file taken from the inbox");

        await File.AppendAllTextAsync(path, appended); // as `>> file` does: by name, after it was taken
        await CompletedAsync(fileId);
        await CompletedAsync(InboxFiles.FileId(appended));

        var sent = fixture.Webhook.AcceptedFor(_prefix).ToList();
        Assert.Equal(40, sent.Count);
        Assert.Equal(40, sent.Select(c => (c.UserId, c.AlertMessage)).Distinct().Count());
    }

    [Fact]
    public async Task Rows_appended_through_a_held_handle_are_not_read_and_the_file_says_so()
    {
        fixture.Webhook.Reset();
        var gate = new TaskCompletionSource();
        fixture.Webhook.RespondAsync = _ => FakeWebhook.WhenOpen(gate.Task, TimeSpan.FromSeconds(30), 200, 503);
        var content = InboxFiles.Csv(_prefix, rows: 20, users: 20);
        var fileId = InboxFiles.FileId(content);
        await using var writer = new FileStream(Path.Combine(fixture.Inbox, $"{_prefix}-held.csv"), FileMode.CreateNew, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        await writer.WriteAsync(Encoding.UTF8.GetBytes(content));
        await writer.FlushAsync();
        await Eventually.Until(() => fixture.Grains.GetGrain<IFileGrain>(fileId).GetSummaryAsync(), s => s is not null, "the file taken");

        var appended = Encoding.UTF8.GetBytes(InboxFiles.Csv(_prefix + "-late", rows: 5, users: 5));
        await writer.WriteAsync(appended); // lands in the taken file, past the size it was taken at
        await writer.FlushAsync();
        gate.SetResult();
        var summary = await CompletedAsync(fileId);

        Assert.Equal(20, summary.Delivered);
        Assert.DoesNotContain(fixture.Webhook.Calls, c => c.UserId.StartsWith(_prefix + "-late"));
        Assert.Equal($"{appended.Length} bytes were appended after the file was taken and were not read: to send those rows, drop them as a file of their own", summary.Warning);
    }

    [Fact]
    public async Task A_file_taken_by_a_silo_that_died_before_starting_it_is_started_by_the_watcher()
    {
        fixture.Webhook.Reset();
        var content = InboxFiles.Csv(_prefix, rows: 10, users: 10);
        var fileId = InboxFiles.FileId(content);
        var folder = Path.Combine(fixture.Inbox, "processing", fileId);
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, $"{_prefix}-orphan.csv"), content);
        Directory.SetLastWriteTimeUtc(folder, DateTime.UtcNow.AddHours(-1));

        var summary = await CompletedAsync(fileId);

        Assert.Equal(10, summary.Delivered);
        Assert.False(Directory.Exists(folder));
        Assert.True(File.Exists(Path.Combine(fixture.Inbox, "archive", $"{_prefix}-orphan.csv")));
    }

    [Fact]
    public async Task A_relative_link_inside_the_data_root_is_taken_and_delivered()
    {
        fixture.Webhook.Reset();
        var elsewhere = Path.Combine(fixture.DataRoot, "elsewhere");
        Directory.CreateDirectory(elsewhere);
        var content = InboxFiles.Csv(_prefix, rows: 5, users: 5);
        await File.WriteAllTextAsync(Path.Combine(elsewhere, $"{_prefix}-real.csv"), content);
        File.CreateSymbolicLink(Path.Combine(fixture.Inbox, $"{_prefix}-rel.csv"), $"../elsewhere/{_prefix}-real.csv");

        var summary = await CompletedAsync(InboxFiles.FileId(content));

        Assert.Equal(5, summary.Delivered);
    }

    [Fact]
    public async Task A_file_that_cannot_be_read_is_reported_failed_once_and_moved_aside()
    {
        var link = Path.Combine(fixture.Inbox, $"{_prefix}-dangling.csv");
        File.CreateSymbolicLink(link, Path.Combine(fixture.DataRoot, "nothing-here.csv")); // inside the data root, to nothing

        var failed = await Eventually.Until(async () => (await fixture.Grains.GetGrain<IFileRegistryGrain>(0).ListAsync(1000)).Where(f => f.Name == $"{_prefix}-dangling.csv").ToList(),
            found => found.Count > 0, "the file listed");
        var summary = await fixture.Grains.GetGrain<IFileGrain>(Assert.Single(failed).FileId).GetSummaryAsync();

        Assert.Equal(FileStatus.Failed, summary!.Status);
        Assert.Equal("cannot read the file: not found (a link to nothing?)", summary.Error);
        Assert.False(Path.Exists(link) || File.Exists(link) || new FileInfo(link).LinkTarget is not null);
        Assert.NotNull(new FileInfo(Path.Combine(fixture.Inbox, "failed", $"{_prefix}-dangling.csv")).LinkTarget);
    }

    private Task StartAsync(string fileId, string content) => fixture.StartFileAsync(fileId, content);

    private Task<FileSummary> CompletedAsync(string fileId, TimeSpan? timeout = null) => fixture.CompletedAsync(fileId, timeout);
}
