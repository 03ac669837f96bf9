namespace Alerts.Grains.Interfaces.Model;

/// <summary>
/// What came of rows so far, as a segment, a file and its summary count them: one set of counts summed up the levels.
/// </summary>
[GenerateSerializer, Immutable, Alias("alerts.Counts")]
public readonly record struct Counts(
    [property: Id(0)] long Rows,
    [property: Id(1)] long Valid,
    [property: Id(2)] long Invalid,
    [property: Id(3)] long DuplicateRows,
    [property: Id(4)] long Delivered,
    [property: Id(5)] long DeadLettered)
{
    /// <summary>Valid, distinct alerts without a final outcome yet.</summary>
    public long Pending => Valid - DuplicateRows - Delivered - DeadLettered;

    /// <summary>Delivered or dead: settled.</summary>
    public long Settled => Delivered + DeadLettered;

    public static Counts operator +(Counts a, Counts b) => new(
        a.Rows + b.Rows, a.Valid + b.Valid, a.Invalid + b.Invalid, a.DuplicateRows + b.DuplicateRows, a.Delivered + b.Delivered, a.DeadLettered + b.DeadLettered);
}
