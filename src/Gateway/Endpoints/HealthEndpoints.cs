namespace Alerts.Gateway.Endpoints;

public static class HealthEndpoints
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// <c>GET /health/ready</c> (and <c>/health</c>): 200 with the number of active silos when the cluster answers, else 503.
    /// <c>GET /health/live</c>: 200 while the process answers at all. Neither needs an API key.
    /// </summary>
    public static void MapHealth(this WebApplication app)
    {
        app.MapGet("/health/live", () => Results.Ok(new { status = "live" }));
        app.MapGet("/health/ready", ReadyAsync);
        app.MapGet("/health", ReadyAsync);
    }

    private static async Task<IResult> ReadyAsync(IClusterClient cluster)
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
    }
}
