using Alerts.Grains.Common;
using Alerts.Grains.Hosting;
using Alerts.Grains.Interfaces.Model;
using Alerts.Grains.RateLimiting;
using Microsoft.Extensions.Options;

namespace Alerts.Grains.Delivery;

/// <summary>
/// Makes one attempt at an alert under the retry policy: paced by the leased permits, waiting out 429s
/// (which use no attempt) and an open circuit (whose failures use none either, and whose time does not
/// count towards giving up), and says what came of it — delivered, dead, or retrying at a set time.
/// It touches no grain state, so it goes on off the calling grain's scheduler after its first wait: a continuation
/// posted back to a grain costs an allocation and a scheduling turn, several per attempt.
/// </summary>
public sealed class AlertDeliverer(WebhookSender sender, IWebhookPermits permits, IOptions<WebhookOptions> options, TimeProvider time)
{
    private static readonly KeyValuePair<string, object?>[] OutcomeTags =
        [.. Enum.GetValues<RetryAction>().Select(action => new KeyValuePair<string, object?>("outcome", action.ToString().ToLowerInvariant()))];
    private static readonly KeyValuePair<string, object?> EndpointDownTag = new("outcome", "endpoint_down");
    private readonly RetryPolicy _policy = new(options.Value);
    private readonly Func<bool> _maySend = () => permits.MaySend;
    // Ahead of any timestamp: a high-priority file's attempts queue for permits before every other file's, oldest first.
    private const long UrgentLead = 1L << 60;

    /// <param name="alert">The alert.</param>
    /// <param name="attemptsBefore">Attempts already used on it.</param>
    /// <param name="firstAttemptAt">When it was first tried (now, for a new alert).</param>
    /// <param name="age">When the alert was queued (a timestamp): the oldest waiting alert gets the next permit.</param>
    /// <param name="sending">
    /// Called once with the alert, <paramref name="attemptsBefore"/> and <paramref name="firstAttemptAt"/>, just before
    /// the first request goes (after the permit), maybe outside the caller's turn: the caller journals it as in flight.
    /// </param>
    /// <param name="cancellationToken">Stops waiting for a permit or a pause; a request already sent is let finish.</param>
    /// <returns>What came of it; null when an operator has paused or cancelled the alert's file (nothing more sent: the caller sets it aside, or drops it).</returns>
    public async Task<DeliveryRecord?> AttemptAsync(Alert alert, int attemptsBefore, DateTimeOffset firstAttemptAt, long age,
        Action<Alert, int, DateTimeOffset>? sending = null, CancellationToken cancellationToken = default)
    {
        var downtime = TimeSpan.Zero; // waited on a webhook that was down, or on an operator's pause: not held against the alert
        while (true)
        {
            if (permits.IsFilePaused(alert.FileId)) return null;
            var waitFrom = time.GetTimestamp();
            var wasHeld = permits.EndpointDown || permits.DeliveryPaused;
            await permits.WaitAsync(permits.IsFileUrgent(alert.FileId) ? age - UrgentLead : age, cancellationToken).ConfigureAwait(false);
            if (wasHeld || permits.EndpointDown || permits.DeliveryPaused) downtime += time.GetElapsedTime(waitFrom);
            if (!permits.MaySend || permits.DeliveryPaused || permits.IsFilePaused(alert.FileId))
            {
                permits.NotSent(); // the silo was fenced, or delivery or the file paused, while it waited: the permit is void
                continue;
            }
            sending?.Invoke(alert, attemptsBefore, firstAttemptAt);
            sending = null;
            var sentAt = time.GetUtcNow();
            // Never cut off once sent: a request cut short may still have reached the receiver.
            if (await sender.SendAsync(alert, _maySend, CancellationToken.None).ConfigureAwait(false) is not { } result)
            {
                permits.NotSent(); // fenced while it waited for a connection
                continue;
            }
            permits.Report(result, sentAt);
            if (RetryPolicy.IsTransient(result.Status) && permits.EndpointDown)
            {
                // The endpoint is down, not this alert: wait for the circuit's probe or its closing, no attempt spent.
                AlertsMetrics.WebhookRequests.Add(1, EndpointDownTag);
                continue;
            }
            var attempts = result.Status == 429 ? attemptsBefore : attemptsBefore + 1;
            var now = time.GetUtcNow();
            var decision = _policy.Decide(result, attempts, now - firstAttemptAt - downtime, Random.Shared.NextDouble());
            AlertsMetrics.WebhookRequests.Add(1, OutcomeTags[(int)decision.Action]);
            if (decision.Action == RetryAction.Throttled)
            {
                await Task.Delay(decision.Delay, time, cancellationToken).ConfigureAwait(false);
                continue;
            }
            return new DeliveryRecord
            {
                AlertId = alert.AlertId,
                FileId = alert.FileId,
                UserId = alert.UserId,
                Line = alert.Line,
                Round = alert.Round,
                Delivered = decision.Action == RetryAction.Delivered,
                At = now,
                HttpStatus = result.Status,
                Attempts = attempts,
                LastError = result.IsSuccess ? null : result.Error ?? $"HTTP {result.Status}",
                NextAttemptAt = decision.Action == RetryAction.Retry ? now + decision.Delay : null,
                // Kept while it retries: the give-up horizon runs from here, moved on by any time the webhook was down.
                FirstAttemptAt = decision.Action == RetryAction.Retry ? firstAttemptAt + downtime : null,
            };
        }
    }
}
