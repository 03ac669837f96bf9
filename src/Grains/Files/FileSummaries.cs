using Alerts.Grains.Interfaces.Model;

namespace Alerts.Grains.Files;

/// <summary>Turns a file's state into the status users see, with progress, rate and ETA.</summary>
internal static class FileSummaries
{
    // recentRate: alerts settled per second lately (RecentRate), used while the file is active; null: the average since it was found.
    public static FileSummary From(string fileId, FileState state, DateTimeOffset now, double? recentRate = null)
    {
        var counts = state.Counts;
        var elapsed = ((state.CompletedAt ?? now) - state.DiscoveredAt).TotalSeconds;
        var rate = state.IsActive && recentRate is { } recent ? recent : elapsed > 0 ? counts.Settled / elapsed : 0;
        var progress = state.Size > 0 ? Math.Min(1.0, (double)state.BytesRead / state.Size) : 1.0;
        return new FileSummary
        {
            FileId = fileId,
            Name = state.Name,
            Path = state.Path,
            Format = state.Format,
            Status = !state.IsActive ? state.Status : state.PausedAt is not null ? FileStatus.Paused : state.NotBefore > now ? FileStatus.Scheduled : state.Status,
            Size = state.Size,
            Counts = counts,
            InvalidRows = [.. state.InvalidRows],
            DeadLetters = [.. state.DeadLetters],
            Error = state.Error,
            Warning = state.Warning,
            Progress = progress,
            Rate = Math.Round(rate, 1),
            EtaSeconds = EstimateSecondsLeft(state, counts, progress, rate, now),
            DiscoveredAt = state.DiscoveredAt,
            CompletedAt = state.CompletedAt,
            NotBefore = state.IsActive && state.NotBefore > now ? state.NotBefore : null,
            Priority = state.Priority,
        };
    }

    // Remaining alerts are the pending ones plus those still unread, estimated from the share of bytes read.
    private static double? EstimateSecondsLeft(FileState state, Counts counts, double progress, double rate, DateTimeOffset now)
    {
        if (!state.IsActive) return state.Status == FileStatus.Completed ? 0 : null;
        if (state.IsHeld(now)) return null; // nothing moves until it is resumed, or its time comes
        if (rate <= 0 || progress <= 0) return null;
        var distinct = counts.Valid - counts.DuplicateRows;
        var unread = distinct / progress - distinct;
        return Math.Round((counts.Pending + unread) / rate, 1);
    }
}
