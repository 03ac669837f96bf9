using Microsoft.AspNetCore.Diagnostics;

namespace Alerts.Gateway.Hosting;

/// <summary>A cluster that cannot answer right now (a silo died, a call timed out) is a 503 to retry, not a 500.</summary>
public sealed class ClusterErrors : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not (OrleansException or TimeoutException)) return false;
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        context.Response.Headers.RetryAfter = "1";
        await Results.Problem($"the cluster could not answer: {exception.Message}", statusCode: StatusCodes.Status503ServiceUnavailable).ExecuteAsync(context);
        return true;
    }
}
