using System.Collections.Concurrent;
using Alerts.Grains.Delivery;
using Alerts.Grains.RateLimiting;

namespace Alerts.Tests.Support;

/// <summary>Permits for tests of one sender without a cluster: always granted, every report kept.</summary>
public sealed class UnlimitedPermits : IWebhookPermits
{
    public ConcurrentQueue<WebhookResult> Reports { get; } = new();

    public ValueTask WaitAsync(long age, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    public void Report(WebhookResult result, DateTimeOffset sentAt) => Reports.Enqueue(result);

    public void NotSent() { }

    public bool EndpointDown => false;

    public bool DeliveryPaused => false;

    public bool IsFilePaused(string fileId) => false;

    public ValueTask WhileFilePausedAsync(string fileId, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    public bool MaySend => true;
}
