namespace Alerts.Gateway.Endpoints;

/// <summary>What a retry requeued: the total and, per file, how many dead letters.</summary>
public sealed record RetryResult(int Requeued, IReadOnlyList<RetriedFile> Files);

public sealed record RetriedFile(string FileId, string Name, int Requeued);
