using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Alerts.Gateway.Access;

/// <summary>
/// Answers 401 to any request without one of the configured keys (<c>X-Api-Key</c>, or a bearer token),
/// except health probes, which orchestrators call without secrets. Keys are compared in constant time.
/// </summary>
public sealed class ApiKeyCheck(RequestDelegate next, IOptions<AccessOptions> options)
{
    private readonly byte[][] _keys = [.. options.Value.Keys.Select(Encoding.UTF8.GetBytes)];

    public Task InvokeAsync(HttpContext context)
    {
        if (_keys.Length == 0 || context.Request.Path.StartsWithSegments("/health") || Presented(context.Request) is { } key && Known(key))
            return next(context);
        context.Response.Headers.WWWAuthenticate = "Bearer";
        return Results.Problem("an API key is needed: X-Api-Key: <key> or Authorization: Bearer <key>", statusCode: StatusCodes.Status401Unauthorized)
            .ExecuteAsync(context);
    }

    private static string? Presented(HttpRequest request)
    {
        if (request.Headers["X-Api-Key"].ToString() is { Length: > 0 } key) return key;
        var authorization = request.Headers.Authorization.ToString();
        return authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? authorization["Bearer ".Length..].Trim() : null;
    }

    private bool Known(string presented)
    {
        var bytes = Encoding.UTF8.GetBytes(presented);
        var known = false;
        foreach (var key in _keys) known |= CryptographicOperations.FixedTimeEquals(bytes, key);
        return known;
    }
}
