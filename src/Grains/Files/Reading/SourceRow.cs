namespace Alerts.Grains.Files.Reading;

/// <summary>One record as read from a file: where it starts, and either its alert or why it is invalid.</summary>
internal readonly record struct SourceRow(long Line, long Offset, string? UserId, string? Message, string? Error)
{
    public bool IsValid => Error is null;

    public static SourceRow Invalid(long line, long offset, string reason) => new(line, offset, null, null, reason);
}
