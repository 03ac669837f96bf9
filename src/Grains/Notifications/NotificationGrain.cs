using Alerts.Grains.Common;
using Alerts.Grains.Delivery;
using Alerts.Grains.Hosting;
using Alerts.Grains.Interfaces;
using Alerts.Grains.Interfaces.Model;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;

namespace Alerts.Grains.Notifications;

/// <summary>
/// One user's alerts. Dispatch only queues and answers; a delivery loop running beside the grain's
/// turns sends one alert at a time (so a user's alerts arrive in order), records the outcome durably
/// and only then confirms it to the file through the batcher, never by awaiting the file itself.
/// </summary>
[Reentrant]
public sealed partial class NotificationGrain(
    [PersistentState("user", StorageNames.Alerts)] IPersistentState<UserState> user,
    AlertDeliverer deliverer,
    ConfirmationBatcher confirmations,
    TimeProvider time,
    ILogger<NotificationGrain> log) : Grain, INotificationGrain
{
    private static readonly TimeSpan Retention = TimeSpan.FromDays(7);
    private const int RecordCap = 1_000; // per user: bounds a user grain's memory and state whatever the files hold
    private readonly Queue<Alert> _queue = new();
    // Alerts accepted and not yet recorded: alert id → the line that carried it first.
    private readonly Dictionary<string, long> _accepted = [];
    private CoalescingWriter? _writer;
    private Task? _delivering;

    private CoalescingWriter Writer => _writer ??= new(() => user.WriteStateAsync());

    public Task<DispatchOutcome[]> DispatchAsync(IReadOnlyList<Alert> alerts)
    {
        var outcomes = new DispatchOutcome[alerts.Count];
        for (var i = 0; i < alerts.Count; i++) outcomes[i] = Accept(alerts[i]);
        if (_queue.Count > 0) _delivering ??= DeliverQueuedAsync();
        return Task.FromResult(outcomes);
    }

    public Task<IReadOnlyList<DeliveryRecord>> GetDeliveriesAsync() =>
        Task.FromResult<IReadOnlyList<DeliveryRecord>>([.. user.State.Deliveries.Values.OrderByDescending(r => r.At)]);

    private DispatchOutcome Accept(Alert alert)
    {
        if (user.State.Deliveries.TryGetValue(alert.AlertId, out var record))
            return record.Line != alert.Line ? DispatchOutcome.DuplicateRow
                : record.Delivered ? DispatchOutcome.Delivered : DispatchOutcome.DeadLettered;
        if (_accepted.TryGetValue(alert.AlertId, out var firstLine))
            return firstLine == alert.Line ? DispatchOutcome.Queued : DispatchOutcome.DuplicateRow;
        _accepted[alert.AlertId] = alert.Line;
        _queue.Enqueue(alert);
        return DispatchOutcome.Queued;
    }

    private async Task DeliverQueuedAsync()
    {
        try
        {
            while (_queue.TryDequeue(out var alert)) await DeliverAsync(alert);
        }
        finally
        {
            _delivering = null;
        }
    }

    private async Task DeliverAsync(Alert alert)
    {
        try
        {
            var record = await deliverer.DeliverAsync(alert);
            user.State.Deliveries[alert.AlertId] = record;
            user.State.Prune(time.GetUtcNow(), Retention, RecordCap);
            await Writer.SaveAsync(); // recorded before confirmed: a confirmed alert is never sent again
            confirmations.Enqueue(alert.FileId, new Confirmation(alert.Line, record.Delivered));
        }
        catch (Exception error)
        {
            // Not recorded: the file still holds it in its window and will dispatch it again.
            LogDeliveryFailed(error, alert.AlertId, this.GetPrimaryKeyString());
        }
        finally
        {
            _accepted.Remove(alert.AlertId);
        }
    }

    [LoggerMessage(LogLevel.Warning, "Alert {AlertId} for user {UserId} could not be delivered or recorded; its file will dispatch it again")]
    private partial void LogDeliveryFailed(Exception error, string alertId, string userId);
}
