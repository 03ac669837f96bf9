using System.Threading.RateLimiting;
using Alerts.Grains.Hosting;
using Microsoft.Extensions.Options;

namespace Alerts.Grains.Delivery;

/// <summary>
/// Paces this silo's webhook requests at <c>Alerts:Webhook:PermitsPerSecond</c> with a smooth token bucket.
/// Each silo applies the whole rate on its own; the cluster-wide leased budget replaces this later.
/// </summary>
public sealed class SendLimiter : IDisposable
{
    private readonly TokenBucketRateLimiter _bucket;

    public SendLimiter(IOptions<WebhookOptions> options)
    {
        var rate = options.Value.PermitsPerSecond;
        var tokensPerPeriod = (int)Math.Ceiling(rate / 100); // refill about every 10 ms
        _bucket = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = tokensPerPeriod,
            TokensPerPeriod = tokensPerPeriod,
            ReplenishmentPeriod = TimeSpan.FromSeconds(tokensPerPeriod / rate),
            QueueLimit = int.MaxValue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = true,
        });
    }

    /// <summary>Waits for one permit to send.</summary>
    public async ValueTask WaitAsync(CancellationToken cancellationToken = default)
    {
        using var lease = await _bucket.AcquireAsync(1, cancellationToken);
    }

    public void Dispose() => _bucket.Dispose();
}
