using Alerts.Grains.Interfaces;

namespace Alerts.Gateway.Endpoints;

public static class RetryEndpoints
{
    // The registry keeps this many newest files; older files are retried one by one at /files/{id}/retry.
    private const int RegistryCapacity = 1_000;

    /// <summary>
    /// <c>GET|POST /retry</c>: requeues every dead letter of every listed file with fresh attempts and
    /// answers with counts per file. GET is kept because the old debug API answered it.
    /// </summary>
    public static void MapRetry(this WebApplication app) => app.MapMethods("/retry", [HttpMethods.Get, HttpMethods.Post], async (IClusterClient cluster) =>
    {
        var entries = await cluster.GetGrain<IFileRegistryGrain>(0).ListAsync(RegistryCapacity);
        var counts = await Task.WhenAll(entries.Select(async e => new RetriedFile(e.FileId, e.Name, await cluster.GetGrain<IFileGrain>(e.FileId).RetryDeadLettersAsync())));
        var retried = counts.Where(f => f.Requeued > 0).ToList();
        return Results.Ok(new RetryResult(retried.Sum(f => f.Requeued), retried));
    }).WithSummary("Requeues every dead letter of every listed file").Produces<RetryResult>().WithTags("Files");
}
