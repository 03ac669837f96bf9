using System.Threading.RateLimiting;
using Alerts.Notifier.Chaos;
using Alerts.Notifier.Receiving;
using Microsoft.AspNetCore.RateLimiting;

namespace Alerts.Notifier.Hosting;

/// <summary>
/// The receiver's rate limit, per client address and path, through ASP.NET Core's rate-limiting
/// middleware: at most PermitsPerSecond requests in any one-second window, like a real API gateway.
/// </summary>
public static class RateLimitingSetup
{
    public const string Policy = "per-client-and-path";

    public static IServiceCollection AddClientRateLimiting(this IServiceCollection services, NotifierOptions options)
    {
        var permits = Math.Max(1, (int)Math.Round(options.PermitsPerSecond));
        return services.AddRateLimiter(limiter =>
        {
            limiter.AddPolicy(Policy, context => RateLimitPartition.Get(
                $"{context.Connection.RemoteIpAddress}|{context.Request.Path}",
                _ => new SlidingLogLimiter(permits, TimeSpan.FromSeconds(1), TimeProvider.System)));
            limiter.OnRejected = OnRejectedAsync;
        });
    }

    private static async ValueTask OnRejectedAsync(OnRejectedContext rejected, CancellationToken cancellation)
    {
        var context = rejected.HttpContext;
        var stats = context.RequestServices.GetRequiredService<NotifierStats>();
        stats.Received();
        stats.Throttled();
        var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
        context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString();
        var bodyBytes = context.RequestServices.GetRequiredService<ChaosScript>().Profile.BodyBytes;
        await PaddedJson.Result(new ErrorBody("rate limit exceeded"), NotifierJsonContext.Default.ErrorBody, StatusCodes.Status429TooManyRequests, bodyBytes)
            .ExecuteAsync(context);
    }
}
