using System.Text.Json;
using Alerts.Notifier.Hosting;
using Alerts.Notifier.Storage;
using Microsoft.Extensions.Options;

namespace Alerts.Notifier.Receiving;

/// <summary><c>POST /webhook</c>: validate, maybe inject a failure, append durably, answer.</summary>
public static class WebhookEndpoint
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    public static void MapWebhook(this WebApplication app) =>
        app.MapPost("/webhook", HandleAsync).RequireRateLimiting(RateLimitingSetup.Policy);

    private static async Task<IResult> HandleAsync(
        HttpRequest request, RowWriter writer, NotifierStats stats, SignatureVerifier signatures, IOptions<NotifierOptions> options)
    {
        stats.Received();
        var bytes = await ReadBytesAsync(request);
        if (signatures.Reject(request.Headers, bytes) is { } refusal)
        {
            stats.Unauthorized();
            return Results.Json(new ErrorBody(refusal), NotifierJsonContext.Default.ErrorBody, statusCode: StatusCodes.Status401Unauthorized);
        }
        var (body, error) = Parse(bytes);
        if (error is not null)
        {
            stats.Rejected();
            return Results.Json(new ErrorBody(error), NotifierJsonContext.Default.ErrorBody, statusCode: StatusCodes.Status400BadRequest);
        }
        if (options.Value.FailureRate > 0 && Random.Shared.NextDouble() < options.Value.FailureRate)
        {
            stats.Failed();
            return Results.Json(new ErrorBody("injected failure"), NotifierJsonContext.Default.ErrorBody, statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        var written = await writer.AppendAsync(body!.UserId!, body.AlertMessage!, request.Headers[IdempotencyKeyHeader].ToString());
        if (!written) stats.Duplicate();
        return Results.Json(new SuccessBody("success"), NotifierJsonContext.Default.SuccessBody);
    }

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
