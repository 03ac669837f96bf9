using Alerts.Grains.Interfaces;
using Alerts.Grains.Interfaces.Model;
using Alerts.Tests.Support;

namespace Alerts.Tests.Grains;

[Collection(ClusterCollection.Name)]
public sealed class DeliveryTests(ClusterFixture fixture)
{
    private readonly string _prefix = "d" + Guid.NewGuid().ToString("n")[..8];

    [Fact]
    public async Task Twenty_thousand_alerts_with_a_tenth_of_calls_failing_are_each_delivered_once()
    {
        fixture.Webhook.Reset();
        fixture.Webhook.Respond = (_, _) => Random.Shared.NextDouble() < 0.1 ? 503 : 200;
        var content = InboxFiles.Csv(_prefix, rows: 20_000, users: 2_000);
        var fileId = InboxFiles.FileId(content);

        await fixture.StartFileAsync(fileId, content);
        var summary = await fixture.CompletedAsync(fileId, TimeSpan.FromMinutes(3));

        Assert.Equal((20_000L, 0L, 0L), (summary.Delivered, summary.DeadLettered, summary.Pending));
        var accepted = fixture.Webhook.AcceptedFor(_prefix).ToList();
        Assert.Equal(20_000, accepted.Count);
        Assert.Equal(20_000, accepted.Select(c => c.IdempotencyKey).Distinct().Count());
        Assert.InRange(fixture.Webhook.CallsFor(_prefix).Count(c => c.Status == 503), 1_000, 4_000);
        var report = new List<ReportLine>();
        await foreach (var line in fixture.Grains.GetGrain<IFileReportGrain>(fileId).GetLinesAsync().WithBatchSize(100)) report.Add(line);
        Assert.Equal(Enumerable.Range(2, 20_000).Select(n => (long)n), report.Select(l => l.Line));
        Assert.All(report, l => Assert.Equal(ReportStatus.Delivered, l.Status));
        // Fourteen segments of 1,500 rows, read and dispatched on both silos.
        var activations = await fixture.Grains.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics();
        var segments = activations.Where(s => s.GrainId.ToString().StartsWith($"segment/{fileId}/")).ToList();
        Assert.Equal(14, segments.Count);
        Assert.Equal(2, segments.Select(s => s.SiloAddress).Distinct().Count());
    }

    [Fact]
    public async Task A_heavy_user_has_several_attempts_under_way_but_never_more_than_its_concurrency()
    {
        fixture.Webhook.Reset();
        fixture.Webhook.Delay = TimeSpan.FromMilliseconds(100); // a slow receiver: one attempt at a time would take 12 s
        var heavy = $"{_prefix}-heavy";
        var content = "userId,alertMessage\n" + string.Concat(Enumerable.Range(0, 120).Select(i => $"{heavy},alert {i}\n"));
        var fileId = InboxFiles.FileId(content);

        await fixture.StartFileAsync(fileId, content);
        var summary = await fixture.CompletedAsync(fileId);

        Assert.Equal(120, summary.Delivered);
        Assert.Equal(120, fixture.Webhook.AcceptedFor(_prefix).Count(c => c.UserId == heavy));
        Assert.InRange(fixture.Webhook.MostAtOnceByUser[heavy], 4, 8); // the default PerUserConcurrency
    }

    [Fact]
    public async Task Two_thousand_dead_letters_keep_a_sample_in_the_file_and_a_retry_finds_and_delivers_each_once()
    {
        fixture.Webhook.Reset();
        var refuse = true;
        fixture.Webhook.Respond = (_, _) => refuse ? 400 : 200;
        var content = InboxFiles.Csv(_prefix, rows: 2_000, users: 500);
        var fileId = InboxFiles.FileId(content);
        await fixture.StartFileAsync(fileId, content);
        var dead = await fixture.CompletedAsync(fileId, TimeSpan.FromMinutes(2));

        refuse = false;
        var requeued = await fixture.Grains.GetGrain<IFileGrain>(fileId).RetryDeadLettersAsync();
        var retried = await fixture.CompletedAsync(fileId, TimeSpan.FromMinutes(2));

        Assert.Equal((0L, 2_000L), (dead.Delivered, dead.DeadLettered));
        Assert.Equal(100, dead.DeadLetters.Count); // the file keeps the first ones; each alert's record keeps its own
        Assert.Equal(Enumerable.Range(2, 100).Select(n => (long)n), dead.DeadLetters.Select(d => d.Line));
        Assert.Equal(2_000, requeued);
        Assert.Equal((2_000L, 0L, 0L), (retried.Delivered, retried.DeadLettered, retried.Pending));
        var accepted = fixture.Webhook.AcceptedFor(_prefix).ToList();
        Assert.Equal(2_000, accepted.Count);
        Assert.Equal(2_000, accepted.Select(c => c.IdempotencyKey).Distinct().Count());
    }

    [Fact]
    public async Task A_retry_asked_the_moment_a_file_reads_completed_requeues_every_dead_letter()
    {
        fixture.Webhook.Reset();
        fixture.Webhook.Respond = (_, _) => 400;
        var files = Enumerable.Range(0, 12).Select(i => InboxFiles.Csv($"{_prefix}-{i}", rows: 5, users: 5)).ToList();
        await Task.WhenAll(files.Select(content => fixture.StartFileAsync(InboxFiles.FileId(content), content)));

        // Polled with no pause, as a script that retries as soon as it sees Completed would, to land inside completing.
        var requeued = await Task.WhenAll(files.Select(async content =>
        {
            var file = fixture.Grains.GetGrain<IFileGrain>(InboxFiles.FileId(content));
            var deadline = DateTime.UtcNow.AddMinutes(2);
            while ((await file.GetSummaryAsync())?.Status != FileStatus.Completed && DateTime.UtcNow < deadline) { }
            return await file.RetryDeadLettersAsync();
        }));

        Assert.All(requeued, n => Assert.Equal(5, n));
    }

    [Fact]
    public async Task A_file_still_delivering_is_not_retried_so_no_alert_is_counted_in_two_rounds()
    {
        fixture.Webhook.Reset();
        var gate = new TaskCompletionSource();
        fixture.Webhook.RespondAsync = call => call.UserId.EndsWith("-0") ? Task.FromResult(400) : FakeWebhook.WhenOpen(gate.Task, TimeSpan.FromSeconds(30), 200, 503);
        var content = InboxFiles.Csv(_prefix, rows: 20, users: 10);
        var fileId = InboxFiles.FileId(content);
        await fixture.StartFileAsync(fileId, content);
        var file = fixture.Grains.GetGrain<IFileGrain>(fileId);
        await Eventually.Until(() => file.GetSummaryAsync(), s => s!.DeadLettered == 2, "the two dead letters while the rest wait");

        var whileDelivering = await file.RetryDeadLettersAsync();
        gate.SetResult();
        var completed = await fixture.CompletedAsync(fileId);

        Assert.Equal(0, whileDelivering);
        Assert.Equal((18L, 2L, 0L), (completed.Delivered, completed.DeadLettered, completed.Pending));
    }

    [Fact]
    public async Task A_dead_letter_retried_on_demand_is_delivered_and_counted_once()
    {
        fixture.Webhook.Reset();
        var refuse = true;
        fixture.Webhook.Respond = (call, _) => refuse && call.UserId.EndsWith("-1") ? 400 : 200;
        var content = InboxFiles.Csv(_prefix, rows: 10, users: 5);
        var fileId = InboxFiles.FileId(content);
        await fixture.StartFileAsync(fileId, content);
        var dead = await fixture.CompletedAsync(fileId);

        refuse = false;
        var requeued = await fixture.Grains.GetGrain<IFileGrain>(fileId).RetryDeadLettersAsync();
        var retried = await fixture.CompletedAsync(fileId);

        Assert.Equal((8L, 2L), (dead.Delivered, dead.DeadLettered));
        Assert.Equal([new DeadLetter(3, 400, "{\"data\":\"failure\"}"), new DeadLetter(8, 400, "{\"data\":\"failure\"}")], dead.DeadLetters);
        Assert.Equal(2, requeued);
        Assert.Equal((10L, 0L, 0L), (retried.Delivered, retried.DeadLettered, retried.Pending));
        Assert.Empty(retried.DeadLetters);
        Assert.Equal(10, fixture.Webhook.AcceptedFor(_prefix).Count());
        var records = await fixture.Grains.GetGrain<INotificationGrain>($"{_prefix}-1").GetDeliveriesAsync();
        Assert.All(records, r => Assert.Equal((DeliveryStatus.Delivered, 1, 1), (r.Status, r.Attempts, r.Round)));
        Assert.Equal(0, await fixture.Grains.GetGrain<IFileGrain>(fileId).RetryDeadLettersAsync());
    }

    [Fact]
    public async Task The_report_has_a_line_per_row_with_its_outcome()
    {
        fixture.Webhook.Reset();
        fixture.Webhook.Respond = (call, _) => call.UserId.EndsWith("-bad") ? 400 : 200;
        var content = $"userId,alertMessage\n{_prefix}-a,hello\n{_prefix}-b,hi\n{_prefix}-a,hello\n,no user\n{_prefix}-bad,no way\n";
        var fileId = InboxFiles.FileId(content);
        await fixture.StartFileAsync(fileId, content);
        await fixture.CompletedAsync(fileId);

        var lines = new List<ReportLine>();
        await foreach (var line in fixture.Grains.GetGrain<IFileReportGrain>(fileId).GetLinesAsync()) lines.Add(line);

        Assert.Equal(
            [(2L, ReportStatus.Delivered, 1, (int?)200), (3, ReportStatus.Delivered, 1, 200), (4, ReportStatus.DuplicateRow, 0, null),
             (5, ReportStatus.Invalid, 0, null), (6, ReportStatus.DeadLettered, 1, 400)],
            lines.Select(l => (l.Line, l.Status, l.Attempts, l.HttpStatus)));
        Assert.Equal("same alert as line 2", lines[2].Error);
        Assert.Equal("empty user id", lines[3].Error);
        Assert.NotNull(lines[0].DeliveredAt);
        Assert.Null(lines[4].DeliveredAt);
    }
}
