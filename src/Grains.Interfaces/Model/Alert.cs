namespace Alerts.Grains.Interfaces.Model;

/// <summary>One alert for one user, as dispatched from a file to that user's grain.</summary>
[GenerateSerializer, Immutable, Alias("alerts.Alert")]
public sealed record Alert
{
    /// <summary>hash(fileId, userId, alertMessage): the dedupe key and the webhook's Idempotency-Key.</summary>
    [Id(0)] public required string AlertId { get; init; }
    [Id(1)] public required string FileId { get; init; }
    /// <summary>1-based line of the row in the file.</summary>
    [Id(2)] public long Line { get; init; }
    [Id(3)] public required string UserId { get; init; }
    [Id(4)] public required string Message { get; init; }
    /// <summary>The file's dead-letter retry round: a dead letter from an earlier round is sent again, one from this round is not.</summary>
    [Id(5)] public int Round { get; init; }
    /// <summary>The W3C trace context of the request that brought the file in, so each delivery joins its trace.</summary>
    [Id(6)] public string? TraceParent { get; init; }
    /// <summary>The file's segment that read the row: its outcome is confirmed there.</summary>
    [Id(7)] public int Segment { get; init; }
}
