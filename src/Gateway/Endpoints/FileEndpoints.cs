using Alerts.Grains.Interfaces;
using Alerts.Grains.Interfaces.Model;

namespace Alerts.Gateway.Endpoints;

public static class FileEndpoints
{
    private const int MaxListed = 500;

    public static void MapFiles(this WebApplication app)
    {
        // The newest files first, with their status; ?limit= (default 50, at most 500).
        app.MapGet("/files", async (IClusterClient cluster, int? limit) =>
        {
            var entries = await cluster.GetGrain<IFileRegistryGrain>(0).ListAsync(Math.Clamp(limit ?? 50, 1, MaxListed));
            var summaries = await Task.WhenAll(entries.Select(e => cluster.GetGrain<IFileGrain>(e.FileId).GetSummaryAsync()));
            return Results.Ok(summaries.OfType<FileSummary>());
        });

        // One file's status and counts; the id is the SHA-256 of the file's bytes.
        app.MapGet("/files/{fileId}", async (string fileId, IClusterClient cluster) =>
        {
            if (!FileIds.IsValid(fileId))
                return Results.Problem("a file id is 64 lowercase hex characters (the SHA-256 of the file)", statusCode: StatusCodes.Status400BadRequest);
            var summary = await cluster.GetGrain<IFileGrain>(fileId).GetSummaryAsync();
            return summary is null ? Results.Problem($"no file {fileId}", statusCode: StatusCodes.Status404NotFound) : Results.Ok(summary);
        });
    }
}

internal static class FileIds
{
    public static bool IsValid(string fileId) => fileId.Length == 64 && fileId.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f');
}
