using Alerts.Grains.Interfaces;
using Alerts.Grains.Interfaces.Model;

namespace Alerts.Gateway.Endpoints;

/// <summary>
/// <c>/delivery</c>: the switch for all delivery, for a receiver's maintenance window. Paused, nothing is sent anywhere in
/// the cluster (requests under way finish), no attempt is spent, files keep their place, and it stays paused across
/// restarts until resumed.
/// </summary>
public static class DeliveryEndpoints
{
    public static void MapDelivery(this WebApplication app)
    {
        app.MapGet("/delivery", (IClusterClient cluster) => Answer(Control(cluster).GetAsync()))
            .WithSummary("Whether delivery is paused, the budget and the rate granted now").Produces<DeliveryState>().WithTags("Delivery");
        app.MapPost("/delivery/pause", (IClusterClient cluster) => Answer(Control(cluster).PauseAsync()))
            .WithSummary("Pauses all delivery: within a second no new request goes out; files keep their place").Produces<DeliveryState>().WithTags("Delivery");
        app.MapPost("/delivery/resume", (IClusterClient cluster) => Answer(Control(cluster).ResumeAsync()))
            .WithSummary("Resumes delivery where it stopped").Produces<DeliveryState>().WithTags("Delivery");
    }

    private static IDeliveryControlGrain Control(IClusterClient cluster) => cluster.GetGrain<IDeliveryControlGrain>(0);

    private static async Task<IResult> Answer(Task<DeliveryState> state) => Results.Ok(await state);
}
