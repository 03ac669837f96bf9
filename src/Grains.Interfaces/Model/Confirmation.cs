namespace Alerts.Grains.Interfaces.Model;

/// <summary>
/// The final outcome of one dispatched alert, reported back to its file; a dead letter carries its last status and
/// error. <see cref="HandedBack"/>: no outcome; the user's grain stopped (its silo is leaving) before it sent the
/// alert, and the file should dispatch it again now. <see cref="Round"/> is the alert's retry round: a late outcome of
/// an earlier round does not settle the row tried again. <see cref="DuplicateRow"/>: another row of the file carries
/// the same alert.
/// </summary>
[GenerateSerializer, Immutable, Alias("alerts.Confirmation")]
public sealed record Confirmation(
    [property: Id(0)] long Line,
    [property: Id(1)] bool Delivered,
    [property: Id(2)] int? HttpStatus = null,
    [property: Id(3)] string? Error = null,
    [property: Id(4)] bool HandedBack = false,
    [property: Id(5)] int Round = 0,
    [property: Id(6)] bool DuplicateRow = false)
{
    public static Confirmation HandBack(Alert alert) => new(alert.Line, Delivered: false, HandedBack: true, Round: alert.Round);

    public static Confirmation Duplicate(Alert alert) => new(alert.Line, Delivered: false, Round: alert.Round, DuplicateRow: true);
}
