using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization;
using Alerts.Grains.Interfaces.Model;

namespace Alerts.Grains.Delivery;

/// <summary>POSTs one alert to the webhook, signed when a secret is set, and reports what came back; never throws for HTTP failures.</summary>
public sealed class WebhookSender(IHttpClientFactory clients, WebhookSigner signer)
{
    public const string ClientName = "webhook";
    private const int MaxErrorBody = 512;

    public async Task<WebhookResult> SendAsync(Alert alert, CancellationToken cancellationToken = default)
    {
        var client = clients.CreateClient(ClientName);
        // Serialized up front: the signature covers exactly the bytes sent.
        var body = JsonSerializer.SerializeToUtf8Bytes(new WebhookPayload(alert.UserId, alert.Message), WebhookJsonContext.Default.WebhookPayload);
        using var request = new HttpRequestMessage(HttpMethod.Post, (Uri?)null) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json", "utf-8");
        request.Headers.Add("Idempotency-Key", alert.AlertId);
        signer.Sign(request, alert.AlertId, body);
        try
        {
            using var response = await client.SendAsync(request, cancellationToken);
            if (response.IsSuccessStatusCode) return new WebhookResult((int)response.StatusCode, null, null);
            var answer = await response.Content.ReadAsStringAsync(cancellationToken);
            return new WebhookResult((int)response.StatusCode, Truncate(answer), RetryAfter(response.Headers.RetryAfter));
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new WebhookResult(null, "timeout", null);
        }
        catch (HttpRequestException error)
        {
            return new WebhookResult(null, error.Message, null);
        }
    }

    private static TimeSpan? RetryAfter(RetryConditionHeaderValue? header) => header switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - DateTimeOffset.UtcNow,
        _ => null,
    };

    private static string Truncate(string body) => body.Length <= MaxErrorBody ? body : body[..MaxErrorBody];
}

/// <summary>The webhook's request body.</summary>
public sealed record WebhookPayload(string UserId, string AlertMessage);

[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(WebhookPayload))]
internal sealed partial class WebhookJsonContext : JsonSerializerContext;
