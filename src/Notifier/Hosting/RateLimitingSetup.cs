using System.Threading.RateLimiting;
using Alerts.Notifier.Receiving;
using Microsoft.AspNetCore.RateLimiting;

namespace Alerts.Notifier.Hosting;

/// <summary>
/// The receiver's rate limit, per client address and path: at most PermitsPerSecond requests in any
/// one-second window (a sliding window in tenths of a second), like a real API gateway.
/// </summary>
public static class RateLimitingSetup
{
    public const string Policy = "per-client-and-path";

    public static IServiceCollection AddClientRateLimiting(this IServiceCollection services, NotifierOptions options)
    {
        var window = new SlidingWindowRateLimiterOptions
        {
            PermitLimit = Math.Max(1, (int)Math.Round(options.PermitsPerSecond)),
            Window = TimeSpan.FromSeconds(1),
            SegmentsPerWindow = 10,
            QueueLimit = 0,
            AutoReplenishment = true,
        };

        return services.AddRateLimiter(limiter =>
        {
            limiter.AddPolicy(Policy, context => RateLimitPartition.GetSlidingWindowLimiter(
                $"{context.Connection.RemoteIpAddress}|{context.Request.Path}", _ => window));
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
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString();
        await context.Response.WriteAsJsonAsync(new ErrorBody("rate limit exceeded"), NotifierJsonContext.Default.ErrorBody, cancellationToken: cancellation);
    }
}
