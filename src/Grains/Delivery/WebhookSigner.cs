using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Alerts.Grains.Hosting;
using Microsoft.Extensions.Options;

namespace Alerts.Grains.Delivery;

/// <summary>
/// Signs webhook requests the Standard Webhooks way when <c>Alerts:Webhook:Secret</c> is set:
/// <c>webhook-signature: v1,base64(HMAC-SHA256(key, "id.timestamp.body"))</c>, so the receiver can
/// tell our requests from forgeries and replays.
/// </summary>
public sealed class WebhookSigner(IOptions<WebhookOptions> options, TimeProvider time)
{
    private readonly byte[]? _key = WebhookOptions.SigningKey(options.Value.Secret);

    public void Sign(HttpRequestMessage request, string messageId, byte[] body)
    {
        if (_key is null) return;
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var prefix = Encoding.UTF8.GetBytes($"{messageId}.{timestamp}.");
        byte[] signed = [.. prefix, .. body];
        var signature = HMACSHA256.HashData(_key, signed);
        request.Headers.TryAddWithoutValidation("webhook-id", messageId); // id, digits and base64: nothing to validate
        request.Headers.TryAddWithoutValidation("webhook-timestamp", timestamp);
        request.Headers.TryAddWithoutValidation("webhook-signature", "v1," + Convert.ToBase64String(signature));
    }
}
