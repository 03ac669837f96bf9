using Alerts.Grains.RateLimiting;
using Alerts.Tests.Grains;
using Alerts.Tests.Support;

namespace Alerts.Tests.RateLimiting;

/// <summary>
/// A receiver that takes requests but does not answer them yet (starting cold, or paused) is sent a few, not what the
/// budget allows meanwhile: it would take those all at once when it goes on. A fresh cluster, so that no answer has
/// taught the silos the receiver's latency.
/// </summary>
public sealed class StalledReceiverTests(StalledReceiverTests.StalledClusterFixture fixture) : IClassFixture<StalledReceiverTests.StalledClusterFixture>
{
    [Fact]
    public async Task A_receiver_that_has_not_answered_yet_is_sent_a_few_requests_per_silo_then_the_rest_once_it_answers()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var held = 0;
        fixture.Webhook.RespondAsync = async _ =>
        {
            Interlocked.Increment(ref held);
            await gate.Task;
            return 200;
        };
        try
        {
            var content = InboxFiles.Csv("stalled", rows: 3_000, users: 1_500);
            var fileId = InboxFiles.FileId(content);
            await fixture.StartFileAsync(fileId, content);
            await Eventually.Until(() => Volatile.Read(ref held) >= InFlightLimit.Floor, "the first requests reached the receiver");
            // What arrives while it holds them: at 2,000/s and 256 connections a silo, hundreds would in this second.
            await Task.Delay(TimeSpan.FromSeconds(1));
            var sentWhileHeld = Volatile.Read(ref held);
            gate.SetResult();
            await fixture.CompletedAsync(fileId, TimeSpan.FromMinutes(2));

            Assert.InRange(sentWhileHeld, InFlightLimit.Floor, 2 * InFlightLimit.Floor);
            Assert.Equal(3_000, fixture.Webhook.Accepted.Select(c => c.IdempotencyKey).Distinct().Count());
        }
        finally
        {
            gate.TrySetResult();
            fixture.Webhook.Reset();
        }
    }

    public sealed class StalledClusterFixture : ClusterFixture
    {
        public override int PermitsPerSecond => 2_000;
    }
}
