using Alerts.Grains.Interfaces;
using Alerts.Grains.Interfaces.Model;

namespace Alerts.Gateway.Endpoints;

public static class UserEndpoints
{
    private const int MaxUserIdLength = 128;

    /// <summary><c>GET /users/{userId}/alerts</c>: the user's delivery records (delivered, dead-lettered, retrying), newest first.</summary>
    public static void MapUsers(this WebApplication app) => app.MapGet("/users/{userId}/alerts", async (string userId, IClusterClient cluster) =>
    {
        if (userId.Length > MaxUserIdLength || string.IsNullOrWhiteSpace(userId) || userId.Any(char.IsControl))
            return Results.Problem($"a user id is 1–{MaxUserIdLength} characters, not blank, without control characters", statusCode: StatusCodes.Status400BadRequest);
        var alerts = await cluster.GetGrain<INotificationGrain>(userId).GetDeliveriesAsync();
        return Results.Ok(new UserAlerts(userId, alerts));
    }).WithSummary("A user's delivery records in the listed files, newest first").Produces<UserAlerts>().ProducesProblem(StatusCodes.Status400BadRequest).WithTags("Users");
}

public sealed record UserAlerts(string UserId, IReadOnlyList<DeliveryRecord> Alerts);
