using Microsoft.AspNetCore.Mvc;
using Alerts.Gateway.Hosting;

namespace Alerts.Gateway.Endpoints;

public static class HealthEndpoints
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// <c>GET /health/ready</c> (and <c>/health</c>): 200 with the number of active silos when Redis answers and at
    /// least one silo does, else 503 (the gateway starts without silos and says so until one joins).
    /// <c>GET /health/live</c>: 200 while the process answers at all. None needs an API key.
    /// </summary>
    public static void MapHealth(this WebApplication app)
    {
        app.MapGet("/health/live", () => Results.Ok(new HealthAnswer("live"))).WithSummary("200 while the process answers").WithTags("Health");
        app.MapGet("/health/ready", ReadyAsync).WithSummary("200 when Redis and at least one silo answer, else 503")
            .Produces<HealthAnswer>().Produces<HealthAnswer>(StatusCodes.Status503ServiceUnavailable).WithTags("Health");
        app.MapGet("/health", ReadyAsync).Produces<HealthAnswer>().Produces<HealthAnswer>(StatusCodes.Status503ServiceUnavailable).ExcludeFromDescription();
    }

    // RedisProbe is there only when the gateway runs on Redis (not in development mode).
    private static async Task<IResult> ReadyAsync(IClusterClient cluster, ClusterConnection connection, [FromServices] RedisProbe? redis, CancellationToken aborted)
    {
        using var probe = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        probe.CancelAfter(ProbeTimeout);
        if (redis is not null && !await redis.AnswersAsync(probe.Token)) return Unavailable("Redis does not answer");
        if (!connection.IsConnected) return Unavailable("no silo has answered yet");
        try
        {
            var silos = await cluster.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true).WaitAsync(probe.Token);
            return silos.Count > 0 ? Results.Ok(new HealthAnswer("ready", silos.Count)) : Unavailable("no silo is active");
        }
        catch (Exception error) when (error is not OperationCanceledException || !aborted.IsCancellationRequested)
        {
            return Unavailable(error is OperationCanceledException ? "the cluster did not answer in time" : $"no silo answers: {error.Message}");
        }
    }

    private static IResult Unavailable(string why) =>
        Results.Json(new HealthAnswer("unavailable", Error: why), statusCode: StatusCodes.Status503ServiceUnavailable);
}

/// <summary>A health answer: <c>live</c>, <c>ready</c> (with the active silos) or <c>unavailable</c> (with why).</summary>
public sealed record HealthAnswer(string Status, int? Silos = null, string? Error = null);
