namespace Alerts.Grains.Interfaces.Model;

/// <summary>
/// What came of rows so far, as a segment, a file and its summary count them: one set of counts summed up the levels.
/// </summary>
public readonly record struct Counts(long Rows, long Valid, long Invalid, long DuplicateRows, long Delivered, long DeadLettered)
{
    /// <summary>Valid, distinct alerts without a final outcome yet.</summary>
    public long Pending => Valid - DuplicateRows - Delivered - DeadLettered;

    /// <summary>Delivered or dead: settled.</summary>
    public long Settled => Delivered + DeadLettered;

    public static Counts operator +(Counts a, Counts b) => new(
        a.Rows + b.Rows, a.Valid + b.Valid, a.Invalid + b.Invalid, a.DuplicateRows + b.DuplicateRows, a.Delivered + b.Delivered, a.DeadLettered + b.DeadLettered);
}
