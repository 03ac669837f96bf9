using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Alerts.Grains.Hosting;
using Alerts.Grains.Interfaces.Model;
using Microsoft.Extensions.Options;

namespace Alerts.Grains.Delivery;

/// <summary>
/// POSTs one alert to the webhook, signed when a secret is set, and reports what came back; never throws
/// for HTTP failures. Redirects are not followed (the client is built without them): a 3xx is reported
/// with its Location. Only the headers and a small sample of an error's body are read, whatever the
/// receiver sends, and Retry-After comes back already bounded. Requests go straight to the named handler chain:
/// an <see cref="HttpClient"/> per request, or even one shared, adds a client and a linked cancellation source each.
/// </summary>
public sealed class WebhookSender(IHttpMessageHandlerFactory handlers, WebhookSigner signer, IOptions<WebhookOptions> options, TimeProvider time)
{
    public const string ClientName = "webhook";
    /// <summary>The most of an error answer's body read and kept; the rest is never read.</summary>
    public const int MaxErrorSample = 4096;
    // Kept for the silo's life: the handler's own connection lifetime picks up DNS changes.
    private readonly HttpMessageInvoker _webhook = new(handlers.CreateHandler(ClientName), disposeHandler: false);
    private readonly Uri _url = new(options.Value.Url);
    private readonly SemaphoreSlim _connections = new(options.Value.MaxConnections);

    /// <summary>
    /// Sends once a connection is free. The request's deadline starts only then: a request queued behind busy
    /// connections (a slow receiver, a budget above what the connections carry) would otherwise spend its timeout
    /// waiting, and once sent be cut off while the receiver took it, to be sent again.
    /// </summary>
    public async Task<WebhookResult> SendAsync(Alert alert, CancellationToken cancellationToken = default) =>
        (await SendAsync(alert, mayStillSend: null, cancellationToken).ConfigureAwait(false))!.Value;

    /// <summary>
    /// As <see cref="SendAsync(Alert, CancellationToken)"/>, but asks <paramref name="mayStillSend"/> once it has a
    /// connection, and sends nothing (null) when it says no: a silo frozen or cut off while its requests queued for a
    /// connection must not send them once it runs again, since the cluster may have given their alerts to another.
    /// </summary>
    public async Task<WebhookResult?> SendAsync(Alert alert, Func<bool>? mayStillSend, CancellationToken cancellationToken = default)
    {
        await _connections.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (mayStillSend is not null && !mayStillSend()) return null;
            return await SendOnAConnectionAsync(alert, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _connections.Release(); // after the response is disposed: its connection is back in the pool, or closed
        }
    }

    private async Task<WebhookResult> SendOnAConnectionAsync(Alert alert, CancellationToken cancellationToken)
    {
        // Serialized up front: the signature covers exactly the bytes sent.
        var body = JsonSerializer.SerializeToUtf8Bytes(new WebhookPayload(alert.UserId, alert.Message), WebhookJsonContext.Default.WebhookPayload);
        using var request = new HttpRequestMessage(HttpMethod.Post, _url) { Content = new ByteArrayContent(body) };
        // Added as text, unparsed: a parsed content type is formatted again for every request.
        request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json; charset=utf-8");
        request.Headers.TryAddWithoutValidation("Idempotency-Key", alert.AlertId); // hex: nothing to validate
        signer.Sign(request, alert.AlertId, body);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.Value.RequestTimeout); // covers the error sample too, which a receiver may trickle
        try
        {
            // Disposing the response unread closes its connection rather than draining a huge or endless body.
            // A handler answers once the headers are read; the body is read below, if at all.
            using var response = await _webhook.SendAsync(request, deadline.Token).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode) return new WebhookResult(status, null, null);
            if (status is >= 300 and < 400) return new WebhookResult(status, RedirectError(status, response.Headers.Location), null);
            var sample = await ReadSampleAsync(response.Content, deadline.Token).ConfigureAwait(false);
            return new WebhookResult(status, sample, status == 429 ? BoundedRetryAfter(response.Headers.RetryAfter) : null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new WebhookResult(null, "timeout", null);
        }
        catch (Exception error) when (error is HttpRequestException or System.Net.Sockets.SocketException or IOException)
        {
            // A connection reset right after connecting can surface as a bare SocketException: still no answer, retried.
            return new WebhookResult(null, error.Message, null);
        }
    }

    private static string RedirectError(int status, Uri? location) =>
        $"HTTP {status}: redirect to {location?.ToString() ?? "(no Location)"} not followed; set {WebhookOptions.Section}:Url to the address that answers";

    /// <summary>Up to <see cref="MaxErrorSample"/> bytes of the body, as text.</summary>
    private static async Task<string> ReadSampleAsync(HttpContent content, CancellationToken cancellationToken)
    {
        var buffer = new byte[MaxErrorSample];
        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        var filled = 0;
        int read;
        while (filled < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(filled), cancellationToken)) > 0) filled += read;
        return Encoding.UTF8.GetString(buffer, 0, filled);
    }

    /// <summary>
    /// Retry-After between zero and <see cref="WebhookOptions.MaxRetryAfter"/>; null (the default pause) for a
    /// date in the past or a value that does not parse. An absurd value must not stop the cluster.
    /// </summary>
    private TimeSpan? BoundedRetryAfter(RetryConditionHeaderValue? header)
    {
        var wait = header switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - time.GetUtcNow(),
            _ => (TimeSpan?)null,
        };
        if (wait is null || wait < TimeSpan.Zero) return null;
        return wait > options.Value.MaxRetryAfter ? options.Value.MaxRetryAfter : wait;
    }
}

/// <summary>The webhook's request body.</summary>
public sealed record WebhookPayload(string UserId, string AlertMessage);

[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(WebhookPayload))]
internal sealed partial class WebhookJsonContext : JsonSerializerContext;
