using Alerts.Grains.Delivery;

namespace Alerts.Grains.RateLimiting;

/// <summary>Where a sender gets permission for each webhook request, and tells how it fared.</summary>
public interface IWebhookPermits
{
    /// <summary>Waits for a permit to send one request; the lowest <paramref name="age"/> (the oldest alert) is served first.</summary>
    ValueTask WaitAsync(long age, CancellationToken cancellationToken = default);

    /// <summary>Reports a request's result and when it was sent; a 429 slows everyone down.</summary>
    void Report(WebhookResult result, DateTimeOffset sentAt);

    /// <summary>A permit was taken but no request went on it (this silo was fenced meanwhile).</summary>
    void NotSent();

    /// <summary>The webhook is failing as a whole (its circuit is open): a failure now costs an alert no attempt.</summary>
    bool EndpointDown { get; }

    /// <summary>An operator paused all delivery: time waited now is not held against an alert.</summary>
    bool DeliveryPaused { get; }

    /// <summary>Whether an operator paused (or scheduled, or cancelled) this file: its alerts must not be sent now.</summary>
    bool IsFilePaused(string fileId);

    /// <summary>Whether an operator cancelled this file: its alerts not yet sent are dropped.</summary>
    bool IsFileCancelled(string fileId) => false;

    /// <summary>Whether this file has high priority: its attempts get permits before those of other files.</summary>
    bool IsFileUrgent(string fileId) => false;

    /// <summary>Waits while an operator has this file paused (at once when not, or once it is cancelled).</summary>
    ValueTask WhileFilePausedAsync(string fileId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Whether a request may go now, checked after the permit wait: not while this silo cannot confirm it is still a
    /// member of the cluster, nor while its records store does not answer (what it sent could be sent again elsewhere).
    /// </summary>
    bool MaySend { get; }
}
