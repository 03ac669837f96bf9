using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Alerts.Notifier.Chaos;
using Alerts.Notifier.Hosting;
using Alerts.Notifier.Storage;
using Microsoft.Extensions.Options;

namespace Alerts.Notifier.Receiving;

/// <summary><c>POST /webhook</c>: play the chaos profile, validate, maybe inject a failure, append durably, answer.</summary>
public static class WebhookEndpoint
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    public static void MapWebhook(this WebApplication app) =>
        app.MapPost("/webhook", HandleAsync).RequireRateLimiting(RateLimitingSetup.Policy);

    private static async Task<IResult> HandleAsync(
        HttpRequest request, RowWriter writer, NotifierStats stats, SignatureVerifier signatures, IOptions<NotifierOptions> options,
        ChaosScript chaos, TimeProvider time)
    {
        stats.Received();
        var decision = chaos.Decide();
        if (await ChaosResponder.InterceptAsync(decision, request.HttpContext, stats, time) is { } refused) return refused;
        var bytes = await ReadBytesAsync(request);
        if (signatures.Reject(request.Headers, bytes) is { } refusal)
        {
            stats.Unauthorized();
            return Answer(new ErrorBody(refusal), NotifierJsonContext.Default.ErrorBody, StatusCodes.Status401Unauthorized, decision);
        }
        var (body, error) = Parse(bytes);
        if (error is not null)
        {
            stats.Rejected();
            return Answer(new ErrorBody(error), NotifierJsonContext.Default.ErrorBody, StatusCodes.Status400BadRequest, decision);
        }
        if (options.Value.FailureRate > 0 && Random.Shared.NextDouble() < options.Value.FailureRate)
        {
            stats.Failed();
            return Answer(new ErrorBody("injected failure"), NotifierJsonContext.Default.ErrorBody, StatusCodes.Status503ServiceUnavailable, decision);
        }

        var written = await writer.AppendAsync(body!.UserId!, body.AlertMessage!, request.Headers[IdempotencyKeyHeader].ToString());
        if (!written) stats.Duplicate();
        return Answer(new SuccessBody("success"), NotifierJsonContext.Default.SuccessBody, StatusCodes.Status200OK, decision);
    }

    private static IResult Answer<T>(T body, JsonTypeInfo<T> type, int statusCode, ChaosDecision decision) =>
        PaddedJson.Result(body, type, statusCode, decision.BodyBytes);

    // Read whole: the signature covers the exact bytes. Kestrel's request size limit bounds them.
    private static async Task<byte[]> ReadBytesAsync(HttpRequest request)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, request.HttpContext.RequestAborted);
        return buffer.ToArray();
    }

    private static (WebhookRequest? Body, string? Error) Parse(byte[] bytes)
    {
        WebhookRequest? body;
        try
        {
            body = JsonSerializer.Deserialize(bytes, NotifierJsonContext.Default.WebhookRequest);
        }
        catch (JsonException e)
        {
            return (null, $"invalid JSON: {e.Message}");
        }
        if (string.IsNullOrEmpty(body?.UserId)) return (null, "userId is required");
        if (string.IsNullOrEmpty(body.AlertMessage)) return (null, "alertMessage is required");
        return (body, null);
    }
}
