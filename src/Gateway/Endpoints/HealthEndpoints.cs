namespace Alerts.Gateway.Endpoints;

public static class HealthEndpoints
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(5);

    /// <summary><c>GET /health</c>: 200 with the number of active silos when the cluster answers, else 503.</summary>
    public static void MapHealth(this WebApplication app) => app.MapGet("/health", async (IClusterClient cluster) =>
    {
        try
        {
            var silos = await cluster.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true).WaitAsync(ProbeTimeout);
            return Results.Ok(new { status = "ready", silos = silos.Count });
        }
        catch (Exception error) when (error is TimeoutException or OrleansException or InvalidOperationException)
        {
            return Results.Json(new { status = "unavailable", error = error.Message }, statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    });
}
