using Alerts.Gateway.Access;

namespace Alerts.Gateway.Hosting;

/// <summary>
/// Whether the gateway's cluster client has connected. The web server starts before it does (health must answer
/// while no silo is up), so API requests that come first wait for it a while, then get 503 instead of an error
/// from a client that does not yet know the cluster's grains.
/// </summary>
public sealed class ClusterConnection : ILifecycleParticipant<IClusterClientLifecycle>
{
    private readonly TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool IsConnected => _connected.Task.IsCompleted;

    /// <summary>True once connected, false if it is not within <paramref name="patience"/>.</summary>
    public async Task<bool> WaitAsync(TimeSpan patience, CancellationToken cancellationToken)
    {
        try
        {
            await _connected.Task.WaitAsync(patience, cancellationToken);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    public void Participate(IClusterClientLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(ClusterConnection), ServiceLifecycleStage.Active, _ =>
        {
            _connected.TrySetResult();
            return Task.CompletedTask;
        });
}

/// <summary>Holds API requests that come before the cluster client has connected (up to 3 s), then answers 503.</summary>
public sealed class WaitForCluster(RequestDelegate next, ClusterConnection cluster)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(3);

    public async Task InvokeAsync(HttpContext context)
    {
        if (cluster.IsConnected || !NeedsCluster(context.Request) || await cluster.WaitAsync(Patience, context.RequestAborted))
        {
            await next(context);
            return;
        }
        context.Response.Headers.RetryAfter = "5";
        await Results.Problem("no silo has answered yet: the gateway keeps trying", statusCode: StatusCodes.Status503ServiceUnavailable).ExecuteAsync(context);
    }

    // Health says for itself whether the cluster answers; the pages' own files and the gateway's metrics need no cluster.
    private static bool NeedsCluster(HttpRequest request) =>
        !(GatewayPaths.IsHealth(request.Path) || GatewayPaths.IsPageFile(request.Path) || request.Path.StartsWithSegments("/metrics"));
}
