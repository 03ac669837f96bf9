using Alerts.Grains.Delivery;
using Alerts.Grains.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Alerts.Grains.Notifications;

/// <summary>
/// Drains this silo's deliveries before it leaves the cluster. At the start of a graceful stop, while the silo
/// is still active and its grains still registered, users' grains stop starting attempts and hand new work back;
/// the stop then waits until every attempt in flight has finished, its outcome is saved and every confirmation
/// (and alert handed back unsent) has reached its file. Only then does
/// Orleans hand the grains over: a new activation elsewhere reads those outcomes and never sends again what
/// this silo sent. (Left to Orleans' own deactivation, a new activation could start, on the surviving silo,
/// before the old one had saved.)
/// </summary>
public sealed partial class DeliveryDrain(ConfirmationBatcher confirmations, IOptions<WebhookOptions> webhook, TimeProvider time, ILogger<DeliveryDrain> log)
    : ILifecycleParticipant<ISiloLifecycle>
{
    private static readonly TimeSpan SavingTime = TimeSpan.FromSeconds(20); // for the last outcomes and confirmations, once the last answer is in
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(20);
    private readonly CancellationTokenSource _stopping = new();
    private int _busy;

    /// <summary>Fires when the silo starts to stop: no new attempts from here on.</summary>
    public CancellationToken Stopping => _stopping.Token;

    /// <summary>Marks work the stop must wait for (a delivery loop, a save); dispose the result when it is done.</summary>
    public Busy Enter()
    {
        Interlocked.Increment(ref _busy);
        return new Busy(this);
    }

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(DeliveryDrain), ServiceLifecycleStage.Active, _ => Task.CompletedTask, DrainAsync);

    private async Task DrainAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        var started = time.GetTimestamp();
        var deadline = webhook.Value.RequestTimeout + SavingTime; // a request sent just before the stop may take its whole timeout
        while ((Volatile.Read(ref _busy) > 0 || confirmations.Pending > 0) && time.GetElapsedTime(started) < deadline && !cancellationToken.IsCancellationRequested)
            await Task.Delay(Poll, time, CancellationToken.None);
        LogDrained(time.GetElapsedTime(started).TotalMilliseconds, Volatile.Read(ref _busy), confirmations.Pending);
    }

    public readonly struct Busy(DeliveryDrain drain) : IDisposable
    {
        public void Dispose() => Interlocked.Decrement(ref drain._busy);
    }

    [LoggerMessage(LogLevel.Information, "Deliveries drained in {Milliseconds:F0} ms ({Busy} still busy, {Unconfirmed} confirmations unsent)")]
    private partial void LogDrained(double milliseconds, int busy, int unconfirmed);
}
