using Alerts.Gateway.Access;
using Microsoft.AspNetCore.Mvc;

namespace Alerts.Gateway.Endpoints;

public static class SessionEndpoints
{
    /// <summary>
    /// <c>POST /session</c> with a key (<c>X-Api-Key</c>) checks it and keeps it in an HTTP-only, same-site cookie, so the
    /// browser's pages (the status page, the dashboard, report downloads) carry it: 204, or 401 for a wrong key.
    /// <c>DELETE /session</c> forgets it.
    /// </summary>
    public static void MapSession(this WebApplication app)
    {
        app.MapPost("/session", (HttpContext context, [FromHeader(Name = "X-Api-Key")] string? key, ApiKeys keys) =>
        {
            if (key is null || !keys.Known(key))
                return Results.Problem("that is not one of the gateway's API keys", statusCode: StatusCodes.Status401Unauthorized);
            context.Response.Cookies.Append(ApiKeyCheck.SessionCookie, key, new CookieOptions
            {
                HttpOnly = true,
                SameSite = SameSiteMode.Strict, // never sent with another site's requests: no cross-site uploads or retries
                Secure = context.Request.IsHttps,
                Path = "/",
                MaxAge = TimeSpan.FromDays(1),
            });
            return Results.NoContent();
        }).WithSummary("Keeps the API key in a cookie for the browser's pages").Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status401Unauthorized).WithTags("Session");

        app.MapDelete("/session", (HttpContext context) =>
        {
            context.Response.Cookies.Delete(ApiKeyCheck.SessionCookie);
            return Results.NoContent();
        }).WithSummary("Forgets the API key cookie").Produces(StatusCodes.Status204NoContent).WithTags("Session");
    }
}
