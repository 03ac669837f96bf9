namespace Alerts.Grains.RateLimiting;

/// <summary>
/// Whether the webhook is failing as a whole (its circuit open), as this silo last heard at its lease; when it last
/// came back from an outage (its circuit closed), and a task that completes when it next does. An alert that backed
/// off before then is due at once: each waiting out its own back-off, grown through the outage, would leave the rate
/// far under the budget long after the receiver is back.
/// Thread-safe.
/// </summary>
public sealed class WebhookRecovery
{
    private readonly Lock _lock = new();
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private DateTimeOffset _lastBackAt = DateTimeOffset.MinValue;
    private volatile bool _down;

    /// <summary>The webhook is failing as a whole: a failure now costs an alert no attempt.</summary>
    public bool Down => _down;

    /// <summary>What the limiter said of the webhook's circuit at <paramref name="at"/>; returns whether it changed.</summary>
    public bool Heard(bool down, DateTimeOffset at)
    {
        if (down == _down) return false;
        _down = down;
        if (!down) Back(at); // every alert that backed off meanwhile is due now
        return true;
    }

    /// <summary>When the webhook last came back; <see cref="DateTimeOffset.MinValue"/> if it never went down.</summary>
    public DateTimeOffset LastBackAt
    {
        get
        {
            lock (_lock) return _lastBackAt;
        }
    }

    /// <summary>Completes when the webhook next comes back.</summary>
    public Task NextBack
    {
        get
        {
            lock (_lock) return _next.Task;
        }
    }

    /// <summary>The webhook's circuit closed at <paramref name="at"/>.</summary>
    public void Back(DateTimeOffset at)
    {
        TaskCompletionSource waiting;
        lock (_lock)
        {
            _lastBackAt = at;
            (waiting, _next) = (_next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        }
        waiting.SetResult();
    }

    /// <summary>When an alert last attempted at <paramref name="attemptedAt"/>, backing off until <paramref name="backOffUntil"/>, is due.</summary>
    public DateTimeOffset DueAt(DateTimeOffset attemptedAt, DateTimeOffset backOffUntil)
    {
        var backAt = LastBackAt;
        return attemptedAt < backAt && backAt < backOffUntil ? backAt : backOffUntil;
    }
}
