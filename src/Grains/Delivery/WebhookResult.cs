namespace Alerts.Grains.Delivery;

/// <summary>What one POST to the webhook came back with: a status, or an error when no answer came.</summary>
public readonly record struct WebhookResult(int? Status, string? Error, TimeSpan? RetryAfter)
{
    public bool IsSuccess => Status is >= 200 and < 300;
}
