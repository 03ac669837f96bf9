using Alerts.Grains.Hosting;
using Alerts.Grains.Interfaces.Model;
using Microsoft.Extensions.Options;

namespace Alerts.Grains.Delivery;

/// <summary>Delivers one alert under the retry policy: paced by the limiter, backing off on failures, until delivered or dead.</summary>
public sealed class AlertDeliverer(WebhookSender sender, SendLimiter limiter, IOptions<WebhookOptions> options, TimeProvider time)
{
    private readonly RetryPolicy _policy = new(options.Value);

    public async Task<DeliveryRecord> DeliverAsync(Alert alert, CancellationToken cancellationToken = default)
    {
        var firstAttempt = time.GetUtcNow();
        var attempts = 0;
        while (true)
        {
            await limiter.WaitAsync(cancellationToken);
            var result = await sender.SendAsync(alert, cancellationToken);
            if (result.Status != 429) attempts++;
            var decision = _policy.Decide(result, attempts, time.GetUtcNow() - firstAttempt, Random.Shared.NextDouble());
            switch (decision.Action)
            {
                case RetryAction.Delivered:
                case RetryAction.DeadLetter:
                    return Record(alert, result, attempts, decision.Action == RetryAction.Delivered);
                default:
                    await Task.Delay(decision.Delay, time, cancellationToken);
                    break;
            }
        }
    }

    private DeliveryRecord Record(Alert alert, WebhookResult result, int attempts, bool delivered) => new()
    {
        AlertId = alert.AlertId,
        FileId = alert.FileId,
        Line = alert.Line,
        Delivered = delivered,
        At = time.GetUtcNow(),
        HttpStatus = result.Status,
        Attempts = attempts,
        LastError = delivered ? null : result.Error ?? $"HTTP {result.Status}",
    };
}
