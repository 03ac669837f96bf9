using System.Text.Json;
using Alerts.Notifier.Receiving;

namespace Alerts.Notifier.Chaos;

/// <summary><c>GET/POST/DELETE /chaos</c>: read, replace or clear the misbehaviour profile while running.</summary>
public static class ChaosEndpoints
{
    public static void MapChaos(this WebApplication app)
    {
        app.MapGet("/chaos", (ChaosScript script) => Answer(script.Profile));
        app.MapPost("/chaos", ApplyAsync);
        app.MapDelete("/chaos", (ChaosScript script, ILogger<ChaosScript> log) => Apply(script, new ChaosOptions(), log));
    }

    private static async Task<IResult> ApplyAsync(HttpRequest request, ChaosScript script, ILogger<ChaosScript> log)
    {
        ChaosOptions? profile;
        try
        {
            profile = await JsonSerializer.DeserializeAsync(request.Body, NotifierJsonContext.Default.ChaosOptions, request.HttpContext.RequestAborted);
        }
        catch (JsonException e)
        {
            return Invalid($"invalid JSON: {e.Message}");
        }
        if (profile is null) return Invalid("the body must be a JSON object");
        var errors = profile.Validate(prefix: "").ToList();
        return errors.Count > 0 ? Invalid(string.Join("; ", errors)) : Apply(script, profile, log);
    }

    private static IResult Apply(ChaosScript script, ChaosOptions profile, ILogger log)
    {
        script.Apply(profile);
        // Said loudly: a forgotten profile makes the receiver look broken to whoever comes next.
        log.LogWarning("Chaos profile applied: {Profile}", JsonSerializer.Serialize(profile, NotifierJsonContext.Default.ChaosOptions));
        return Answer(profile);
    }

    private static IResult Answer(ChaosOptions profile) => Results.Json(profile, NotifierJsonContext.Default.ChaosOptions);

    private static IResult Invalid(string detail) =>
        Results.Problem(title: "invalid chaos profile", detail: detail, statusCode: StatusCodes.Status400BadRequest);
}
