using Alerts.Grains.Delivery;
using Alerts.Grains.Interfaces.Model;
using Alerts.Grains.Records;

namespace Alerts.Grains.Notifications;

/// <summary>
/// Writes a settled alert's outcome until it is stored, then confirms it to the alert's file: written before confirmed,
/// so a confirmed alert is never sent again. Writes a back-off until stored too, for a silo that dies to resume from. It runs off the calling grain's scheduler and touches no grain state: a
/// continuation posted back to the grain would cost a turn per alert.
/// </summary>
public sealed class OutcomeWriter(DeliveryRecords records, ConfirmationBatcher confirmations, DeliveryDrain drain)
{
    /// <param name="alert">The alert settled.</param>
    /// <param name="record">Its outcome: delivered or dead.</param>
    /// <param name="failed">Told each failed write; the write is tried again.</param>
    /// <param name="written">Told once the record is stored, before the confirmation is queued; from any thread.</param>
    /// <param name="giveUp">Stops trying to write: the alert is then neither confirmed nor told written, and its file dispatches it again.</param>
    public async Task WriteThenConfirmAsync(Alert alert, DeliveryRecord record, Action<Exception> failed, Action<DeliveryRecord> written, CancellationToken giveUp)
    {
        using var busy = drain.Enter(); // until it is confirmed: a draining silo waits for both
        if (!await records.WriteUntilStoredAsync(record, failed, giveUp).ConfigureAwait(false)) return;
        written(record);
        confirmations.Enqueue(alert, new Confirmation(alert.Line, record.Delivered, record.HttpStatus, record.LastError, Round: alert.Round));
    }

    /// <summary>Writes an alert's back-off until it is stored (a Redis restart must not drop it), or <paramref name="giveUp"/>.</summary>
    public async Task WriteBackOffAsync(DeliveryRecord record, Action<Exception> failed, CancellationToken giveUp)
    {
        using var busy = drain.Enter();
        await records.WriteUntilStoredAsync(record, failed, giveUp).ConfigureAwait(false);
    }
}
