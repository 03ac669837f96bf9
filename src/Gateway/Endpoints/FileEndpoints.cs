using Alerts.Gateway.Hosting;
using Alerts.Gateway.Reports;
using Alerts.Grains.Interfaces;
using Alerts.Grains.Interfaces.Model;
using Microsoft.Extensions.Options;

namespace Alerts.Gateway.Endpoints;

public static class FileEndpoints
{
    private const int MaxListed = 500;

    public static void MapFiles(this WebApplication app)
    {
        // The newest files first, with their status; ?limit= (default 50, at most 500).
        app.MapGet("/files", async (IClusterClient cluster, IOptions<GatewayOptions> options, int? limit) =>
        {
            var entries = await cluster.GetGrain<IFileRegistryGrain>(0).ListAsync(Math.Clamp(limit ?? 50, 1, MaxListed));
            var summaries = await Task.WhenAll(entries.Select(e => cluster.GetGrain<IFileGrain>(e.FileId).GetSummaryAsync()));
            return Results.Ok(summaries.OfType<FileSummary>().Select(s => ForClients(s, options.Value)));
        }).WithSummary("Lists the newest files with their status").Produces<IEnumerable<FileSummary>>().WithTags("Files");

        // One file's status and counts; the id is the SHA-256 of the file's bytes.
        app.MapGet("/files/{fileId}", async (string fileId, IClusterClient cluster, IOptions<GatewayOptions> options) =>
        {
            var (summary, error) = await FindAsync(fileId, cluster);
            return error ?? Results.Ok(ForClients(summary!, options.Value));
        }).WithSummary("One file's status, counts, first invalid rows and dead letters").Produces<FileSummary>()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).WithTags("Files");

        // One CSV line per row read so far: line, userId, status, attempts, httpStatus, deliveredAt, error.
        app.MapGet("/files/{fileId}/report", async (string fileId, IClusterClient cluster, CancellationToken aborted) =>
        {
            var (_, error) = await FindAsync(fileId, cluster);
            return error ?? Results.Stream(
                output => ReportCsv.WriteAsync(cluster, fileId, output, aborted), "text/csv; charset=utf-8", $"{fileId[..12]}-report.csv");
        }).WithSummary("One CSV line per row read: line, userId, status, attempts, httpStatus, deliveredAt, error").Produces<string>(contentType: "text/csv")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).WithTags("Files");

        // Requeues the file's dead letters with fresh attempts.
        app.MapPost("/files/{fileId}/retry", async (string fileId, IClusterClient cluster) =>
        {
            var (summary, error) = await FindAsync(fileId, cluster);
            if (error is not null) return error;
            if (summary!.Status != FileStatus.Completed) return NotCompleted(summary.Status);
            var file = cluster.GetGrain<IFileGrain>(fileId);
            var requeued = await file.RetryDeadLettersAsync();
            // A retry sent at the same moment took them first: this one found the file delivering again.
            if (requeued == 0 && summary.DeadLettered > 0 && await file.GetSummaryAsync() is { Status: not FileStatus.Completed } now) return NotCompleted(now.Status);
            return Results.Ok(new RetryResult(requeued, requeued > 0 ? [new RetriedFile(fileId, summary!.Name, requeued)] : []));
        }).WithSummary("Requeues the dead letters of a completed file with fresh attempts").Produces<RetryResult>()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict).WithTags("Files");

        app.MapFilePause();
        app.MapFileChanges();
    }

    /// <summary>
    /// <c>POST /files/{fileId}/pause</c> and <c>/resume</c>: within a second none of the file's alerts is sent anywhere
    /// (requests under way finish; no attempt is spent), until resumed where it stopped. 409 for a file already done.
    /// </summary>
    private static void MapFilePause(this WebApplication app)
    {
        app.MapPost("/files/{fileId}/pause", (string fileId, IClusterClient cluster, IOptions<GatewayOptions> options) =>
                SwitchAsync(fileId, cluster, options.Value, file => file.PauseAsync()))
            .WithSummary("Pauses one file: none of its alerts is sent until it is resumed").Produces<FileSummary>()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict).WithTags("Files");
        app.MapPost("/files/{fileId}/resume", (string fileId, IClusterClient cluster, IOptions<GatewayOptions> options) =>
                SwitchAsync(fileId, cluster, options.Value, file => file.ResumeAsync()))
            .WithSummary("Resumes a paused file where it stopped").Produces<FileSummary>()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict).WithTags("Files");
        app.MapPost("/files/{fileId}/cancel", (string fileId, IClusterClient cluster, IOptions<GatewayOptions> options) =>
                SwitchAsync(fileId, cluster, options.Value, file => file.CancelAsync()))
            .WithSummary("Cancels one file for good: alerts not yet sent never are, and its report says cancelled for each").Produces<FileSummary>()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict).WithTags("Files");
    }

    /// <summary><c>PATCH /files/{fileId}</c> with <c>notBefore</c> (ISO 8601; null: now) and/or <c>priority</c> (high or normal).</summary>
    private static void MapFileChanges(this WebApplication app) =>
        app.MapPatch("/files/{fileId}", async (string fileId, FileChange change, IClusterClient cluster, IOptions<GatewayOptions> options, TimeProvider time) =>
            {
                if (change.Problem(time.GetUtcNow()) is { } problem) return Results.Problem(problem, statusCode: StatusCodes.Status400BadRequest);
                return await SwitchAsync(fileId, cluster, options.Value, async file =>
                {
                    FileSummary? summary = null; // Problem() made sure at least one change is asked for
                    if (change.Priority is { } priority) summary = await file.SetPriorityAsync(priority);
                    if (change.SetsNotBefore) summary = await file.ScheduleAsync(change.NotBefore);
                    return summary;
                });
            }).WithSummary("Schedules (notBefore) or prioritises (priority: high or normal) a file not yet done").Produces<FileSummary>()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict).WithTags("Files");

    private static async Task<IResult> SwitchAsync(string fileId, IClusterClient cluster, GatewayOptions options, Func<IFileGrain, Task<FileSummary?>> change)
    {
        var (summary, error) = await FindAsync(fileId, cluster);
        if (error is not null) return error;
        if (summary!.Status is FileStatus.Completed or FileStatus.Failed or FileStatus.Cancelled)
            return Results.Problem($"the file is {summary.Status}: only a file not yet done can be changed", statusCode: StatusCodes.Status409Conflict);
        return await change(cluster.GetGrain<IFileGrain>(fileId)) is { } changed ? Results.Ok(ForClients(changed, options)) : Results.NotFound();
    }

    private static IResult NotCompleted(FileStatus status) =>
        Results.Problem($"the file is {status}: dead letters are retried once it has completed", statusCode: StatusCodes.Status409Conflict);

    /// <summary>Paths relative to the data root: answers never show how the server's disks are laid out.</summary>
    private static FileSummary ForClients(FileSummary summary, GatewayOptions options) => summary with
    {
        Path = summary.Path is { } path ? Path.GetRelativePath(Path.GetFullPath(options.DataRoot), path) : null,
    };

    /// <summary>The file's summary, or the error to answer with: 400 for a malformed id, 404 for an unknown file.</summary>
    private static async Task<(FileSummary? Summary, IResult? Error)> FindAsync(string fileId, IClusterClient cluster)
    {
        if (!FileIds.IsValid(fileId))
            return (null, Results.Problem("a file id is 64 lowercase hex characters (the SHA-256 of the file)", statusCode: StatusCodes.Status400BadRequest));
        var summary = await cluster.GetGrain<IFileGrain>(fileId).GetSummaryAsync();
        return summary is null ? (null, Results.Problem($"no file {fileId}", statusCode: StatusCodes.Status404NotFound)) : (summary, null);
    }
}

internal static class FileIds
{
    public static bool IsValid(string fileId) => fileId.Length == 64 && fileId.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f');
}
