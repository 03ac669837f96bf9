using Alerts.Grains.Interfaces;

namespace Alerts.Gateway.Endpoints;

public static class FileEndpoints
{
    public static void MapFiles(this WebApplication app)
    {
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
