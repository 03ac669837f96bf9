using Alerts.Notifier.Receiving;

namespace Alerts.Notifier.Chaos;

/// <summary>Carries out a <see cref="ChaosDecision"/> on a webhook request, counting it in the stats.</summary>
public static class ChaosResponder
{
    /// <summary>The answer chaos gives instead of the normal path, or null to go on (after any latency).</summary>
    public static async Task<IResult?> InterceptAsync(ChaosDecision decision, HttpContext context, NotifierStats stats, TimeProvider time)
    {
        switch (decision.Action)
        {
            case ChaosAction.OutageStatus:
                stats.Outage();
                return Error("outage (chaos)", decision);
            case ChaosAction.OutageRefuse:
                stats.Outage();
                context.Abort();
                return Results.Empty;
            case ChaosAction.Redirect:
                stats.Redirected();
                context.Response.Headers.Location = decision.Location;
                return Error($"moved to {decision.Location} (chaos)", decision);
            case ChaosAction.Hang:
                stats.Hung();
                await HoldAsync(context);
                return Results.Empty;
            case ChaosAction.Reset:
                stats.Reset();
                context.Abort();
                return Results.Empty;
            case ChaosAction.Throttle:
                stats.Throttled();
                if (decision.RetryAfter.Length > 0) context.Response.Headers.RetryAfter = decision.RetryAfter;
                return Error("rate limit exceeded (chaos)", decision);
            default:
                if (decision.Delay > TimeSpan.Zero) await Task.Delay(decision.Delay, time, context.RequestAborted);
                return null;
        }
    }

    private static IResult Error(string message, ChaosDecision decision) =>
        PaddedJson.Result(new ErrorBody(message), NotifierJsonContext.Default.ErrorBody, decision.Status, decision.BodyBytes);

    // Held until the client gives up; shutting down ends the wait too, or stopping would wait out the host's timeout.
    private static async Task HoldAsync(HttpContext context)
    {
        var stopping = context.RequestServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        using var either = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, either.Token);
        }
        catch (OperationCanceledException)
        {
        }
        context.Abort();
    }
}
