using Alerts.Grains.Files;
using Alerts.Grains.Files.Reading;
using Alerts.Grains.Interfaces.Model;

namespace Alerts.Grains.Reports;

/// <summary>Turns a row and its user's record (if any) into a report line.</summary>
internal sealed class ReportRows(string fileId, ReportSource source)
{
    public string FileId => fileId;

    private readonly HashSet<long> _pending = [.. source.PendingLines];
    private readonly Dictionary<long, DeadLetter> _deadLetters = source.DeadLetters.ToDictionary(d => d.Line);
    // First line of each alert seen without a record: few (pending or expired), so this stays small.
    private readonly Dictionary<string, long> _unrecorded = [];

    public string AlertIdOf(SourceRow row) => AlertIds.For(fileId, row.UserId!, row.Message!);

    /// <param name="row">The row as read.</param>
    /// <param name="alertId">Its alert id, or null for an invalid row.</param>
    /// <param name="record">Its user's record of that alert, if any.</param>
    public ReportLine Describe(SourceRow row, string? alertId, DeliveryRecord? record)
    {
        if (alertId is null) return new ReportLine { Line = row.Line, Status = ReportStatus.Invalid, Error = row.Error };
        if (record is not null) return record.Line != row.Line ? Duplicate(row, record.Line) : CancelledIfUnsettled(FromRecord(row, record));
        if (_unrecorded.TryGetValue(alertId, out var first)) return Duplicate(row, first);
        _unrecorded[alertId] = row.Line;
        if (source.Cancelled && !_deadLetters.ContainsKey(row.Line)) return new ReportLine { Line = row.Line, UserId = row.UserId, Status = ReportStatus.Cancelled, Error = "cancelled" };
        // While the file is delivered, a row with no record may also be a repeat whose first row is still queued.
        if (_pending.Contains(row.Line) || source.Active) return new ReportLine { Line = row.Line, UserId = row.UserId, Status = ReportStatus.Pending };
        if (_deadLetters.TryGetValue(row.Line, out var dead))
            return new ReportLine { Line = row.Line, UserId = row.UserId, Status = ReportStatus.DeadLettered, HttpStatus = dead.HttpStatus, Error = dead.Error };
        return new ReportLine { Line = row.Line, UserId = row.UserId, Status = ReportStatus.Expired, Error = "no delivery record is kept any more (its retention is over)" };
    }

    // In a cancelled file, what had no final outcome never will: it is not sent.
    private ReportLine CancelledIfUnsettled(ReportLine line) =>
        source.Cancelled && line.Status == ReportStatus.Retrying
            ? line with { Status = ReportStatus.Cancelled, Error = line.Error is { } last ? $"cancelled (last attempt: {last})" : "cancelled" }
            : line;

    private static ReportLine FromRecord(SourceRow row, DeliveryRecord record) => new()
    {
        Line = row.Line,
        UserId = row.UserId,
        Status = record.Status switch
        {
            DeliveryStatus.Delivered => ReportStatus.Delivered,
            DeliveryStatus.Retrying or DeliveryStatus.InFlight => ReportStatus.Retrying,
            _ => ReportStatus.DeadLettered,
        },
        Attempts = record.Attempts,
        HttpStatus = record.HttpStatus,
        DeliveredAt = record.Delivered ? record.At : null,
        Error = record.LastError,
    };

    private static ReportLine Duplicate(SourceRow row, long firstLine) =>
        new() { Line = row.Line, UserId = row.UserId, Status = ReportStatus.DuplicateRow, Error = $"same alert as line {firstLine}" };
}
