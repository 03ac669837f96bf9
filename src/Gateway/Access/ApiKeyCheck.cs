namespace Alerts.Gateway.Access;

/// <summary>
/// Answers 401 to any request without one of the configured keys (<c>X-Api-Key</c>, a bearer token, or the session
/// cookie that <c>POST /session</c> sets for a browser), except health probes, which orchestrators call without
/// secrets, and the pages' own files (the status page, the API reference), which hold no data and ask for the key.
/// </summary>
public sealed class ApiKeyCheck(RequestDelegate next, ApiKeys keys)
{
    public const string SessionCookie = "alerts-key";

    public Task InvokeAsync(HttpContext context)
    {
        if (!keys.Required || IsPublic(context.Request) || Presented(context.Request) is { } key && keys.Known(key))
            return next(context);
        context.Response.Headers.WWWAuthenticate = "Bearer";
        return Results.Problem("an API key is needed: X-Api-Key: <key> or Authorization: Bearer <key>", statusCode: StatusCodes.Status401Unauthorized)
            .ExecuteAsync(context);
    }

    // POST /session checks the key it is given itself.
    private static bool IsPublic(HttpRequest request) =>
        GatewayPaths.IsHealth(request.Path) || GatewayPaths.IsPageFile(request.Path) || request.Path.StartsWithSegments("/session");

    private static string? Presented(HttpRequest request)
    {
        if (request.Headers["X-Api-Key"].ToString() is { Length: > 0 } key) return key;
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return authorization["Bearer ".Length..].Trim();
        return request.Cookies[SessionCookie];
    }
}
