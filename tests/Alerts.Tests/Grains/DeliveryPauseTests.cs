using Alerts.Grains.Interfaces;
using Alerts.Grains.Interfaces.Model;
using Alerts.Tests.Support;

namespace Alerts.Tests.Grains;

/// <summary>
/// An operator pauses all delivery mid-file (a receiver's maintenance window), or one file: within a second nothing more
/// of it reaches the webhook, it keeps its place, and on resume it finishes with every alert once.
/// </summary>
public sealed class DeliveryPauseTests(DeliveryPauseTests.PauseFixture fixture) : IClassFixture<DeliveryPauseTests.PauseFixture>
{
    private const int Rows = 2_000;

    [Fact]
    public async Task Paused_delivery_sends_nothing_and_resumed_it_finishes_the_file_once()
    {
        var control = fixture.Grains.GetGrain<IDeliveryControlGrain>(0);
        var content = InboxFiles.Csv("paused", rows: Rows, users: 500);
        var fileId = InboxFiles.FileId(content);
        try
        {
            await fixture.StartFileAsync(fileId, content);
            await Eventually.Until(() => fixture.Webhook.AcceptedFor("paused-").Count() >= 100, "delivery under way");
            var paused = await control.PauseAsync();
            var pausedAt = DateTimeOffset.UtcNow;
            // At 300/s, a second and a half would carry 450 more; leases are a fifth of a second, so the silos hear within one.
            await Task.Delay(TimeSpan.FromSeconds(2.5));
            var late = fixture.Webhook.CallsFor("paused-").Count(c => c.At > pausedAt + TimeSpan.FromSeconds(1));
            var afterTheCall = fixture.Webhook.CallsFor("paused-").Count(c => c.At > pausedAt);
            var whilePaused = await fixture.Grains.GetGrain<IFileGrain>(fileId).GetSummaryAsync();
            var state = await control.GetAsync();
            var resumed = await control.ResumeAsync();
            var summary = await fixture.CompletedAsync(fileId, TimeSpan.FromMinutes(2));

            Assert.True(paused.Paused);
            Assert.Equal((true, 0.0), (state.Paused, state.Rate));
            Assert.NotNull(state.PausedAt);
            Assert.Equal(0, late);
            Assert.InRange(afterTheCall, 0, 50);
            Assert.True(whilePaused!.Pending > 0, $"{whilePaused.Pending} pending while paused");
            Assert.False(resumed.Paused);
            Assert.Equal((Rows, 0L), (summary.Delivered, summary.DeadLettered));
            var accepted = fixture.Webhook.AcceptedFor("paused-").ToList();
            Assert.Equal(Rows, accepted.Count);
            Assert.Equal(Rows, accepted.Select(c => c.IdempotencyKey).Distinct().Count());
        }
        finally
        {
            await control.ResumeAsync();
        }
    }

    [Fact]
    public async Task A_paused_file_sends_nothing_while_another_goes_on_and_resumed_it_finishes_once()
    {
        var held = InboxFiles.Csv("held", rows: Rows, users: 500);
        var other = InboxFiles.Csv("other", rows: 600, users: 300);
        var (heldId, otherId) = (InboxFiles.FileId(held), InboxFiles.FileId(other));
        var file = fixture.Grains.GetGrain<IFileGrain>(heldId);
        try
        {
            await fixture.StartFileAsync(heldId, held);
            await Eventually.Until(() => fixture.Webhook.AcceptedFor("held-").Count() >= 100, "the file under way");
            var paused = await file.PauseAsync();
            var pausedAt = DateTimeOffset.UtcNow;
            await fixture.StartFileAsync(otherId, other);
            var otherDone = await fixture.CompletedAsync(otherId, TimeSpan.FromMinutes(1)); // at 300/s: two seconds and more
            var late = fixture.Webhook.CallsFor("held-").Count(c => c.At > pausedAt + TimeSpan.FromSeconds(1));
            var afterTheCall = fixture.Webhook.CallsFor("held-").Count(c => c.At > pausedAt);
            var whilePaused = await file.GetSummaryAsync();
            var resumed = await file.ResumeAsync();
            var summary = await fixture.CompletedAsync(heldId, TimeSpan.FromMinutes(2));

            Assert.Equal(FileStatus.Paused, paused!.Status);
            Assert.Equal((FileStatus.Paused, (double?)null), (whilePaused!.Status, whilePaused.EtaSeconds));
            Assert.Equal(0, late);
            Assert.InRange(afterTheCall, 0, 50); // the silos are told at once, not at their next leases
            Assert.Equal(600, otherDone.Delivered);
            Assert.NotEqual(FileStatus.Paused, resumed!.Status);
            Assert.Equal((Rows, 0L), (summary.Delivered, summary.DeadLettered));
            var accepted = fixture.Webhook.AcceptedFor("held-").ToList();
            Assert.Equal(Rows, accepted.Count);
            Assert.Equal(Rows, accepted.Select(c => c.IdempotencyKey).Distinct().Count());
        }
        finally
        {
            await file.ResumeAsync();
        }
    }

    [Fact]
    public async Task A_users_alerts_of_a_paused_file_do_not_hold_back_its_alerts_of_another()
    {
        var control = fixture.Grains.GetGrain<IDeliveryControlGrain>(0);
        var held = "userId,alertMessage\n" + string.Concat(Enumerable.Range(0, 20).Select(i => $"both-0,held {i}\n"));
        var other = "userId,alertMessage\n" + string.Concat(Enumerable.Range(0, 5).Select(i => $"both-0,other {i}\n"));
        var (heldId, otherId) = (InboxFiles.FileId(held), InboxFiles.FileId(other));
        var file = fixture.Grains.GetGrain<IFileGrain>(heldId);
        try
        {
            await control.PauseAsync(); // so that the held file's alerts are all queued with the user before it is paused
            await fixture.StartFileAsync(heldId, held);
            await Eventually.Until(async () => (await file.GetSummaryAsync())!.Progress, read => read >= 1, "the held file read");
            await file.PauseAsync();
            await control.ResumeAsync();
            await fixture.StartFileAsync(otherId, other);
            // More alerts of the paused file than the user has workers: each would take one while it waits.
            var otherDone = await fixture.CompletedAsync(otherId, TimeSpan.FromSeconds(30));
            var heldWhile = fixture.Webhook.AcceptedFor("both-").Count(c => c.AlertMessage.StartsWith("held"));
            await file.ResumeAsync();
            var heldDone = await fixture.CompletedAsync(heldId, TimeSpan.FromMinutes(1));

            Assert.Equal(5, otherDone.Delivered);
            Assert.Equal(0, heldWhile);
            Assert.Equal(20, heldDone.Delivered);
            Assert.Equal(25, fixture.Webhook.AcceptedFor("both-").Select(c => c.IdempotencyKey).Distinct().Count());
        }
        finally
        {
            await control.ResumeAsync();
            await file.ResumeAsync();
        }
    }

    [Fact]
    public async Task Pausing_or_resuming_twice_changes_nothing_more()
    {
        var control = fixture.Grains.GetGrain<IDeliveryControlGrain>(0);
        try
        {
            var first = await control.PauseAsync();
            var second = await control.PauseAsync();

            Assert.Equal(first.PausedAt, second.PausedAt); // paused since the first
            Assert.Equal(300, second.Budget);
        }
        finally
        {
            Assert.False((await control.ResumeAsync()).Paused);
            Assert.False((await control.ResumeAsync()).Paused);
        }
    }

    public sealed class PauseFixture : ClusterFixture
    {
        public override int PermitsPerSecond => 300;
    }
}
