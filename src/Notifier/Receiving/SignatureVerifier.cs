using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Alerts.Notifier.Hosting;
using Microsoft.Extensions.Options;

namespace Alerts.Notifier.Receiving;

/// <summary>
/// Checks Standard Webhooks signatures (<c>webhook-id</c>, <c>webhook-timestamp</c>,
/// <c>webhook-signature: v1,&lt;base64 HMAC-SHA256 of "id.timestamp.body"&gt;</c>) when a secret is set.
/// Written apart from the sender's signer on purpose: the receiver stands for someone else's API.
/// </summary>
public sealed class SignatureVerifier(IOptions<NotifierOptions> options, TimeProvider time)
{
    public static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);
    private readonly byte[]? _key = KeyOf(options.Value.Secret);

    /// <summary>Why the request is refused, or null when it is signed well (or no secret is set).</summary>
    public string? Reject(IHeaderDictionary headers, byte[] body)
    {
        if (_key is null) return null;
        string id = headers["webhook-id"].ToString(), timestamp = headers["webhook-timestamp"].ToString(), signatures = headers["webhook-signature"].ToString();
        if (id.Length == 0 || timestamp.Length == 0 || signatures.Length == 0) return "missing webhook-id, webhook-timestamp or webhook-signature";
        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)) return "webhook-timestamp is not a number of seconds";
        if ((time.GetUtcNow() - DateTimeOffset.FromUnixTimeSeconds(seconds)).Duration() > Tolerance) return "webhook-timestamp is more than 5 minutes away";
        var expected = HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes($"{id}.{timestamp}.").Concat(body).ToArray());
        return signatures.Split(' ').Any(s => Matches(s, expected)) ? null : "webhook-signature does not match";
    }

    private static bool Matches(string signature, byte[] expected)
    {
        if (!signature.StartsWith("v1,", StringComparison.Ordinal)) return false;
        var given = new byte[expected.Length + 3];
        return Convert.TryFromBase64String(signature[3..], given, out var length)
            && CryptographicOperations.FixedTimeEquals(given.AsSpan(0, length), expected);
    }

    private static byte[]? KeyOf(string? secret) =>
        string.IsNullOrEmpty(secret) ? null
        : secret.StartsWith("whsec_", StringComparison.Ordinal) ? Convert.FromBase64String(secret["whsec_".Length..])
        : Encoding.UTF8.GetBytes(secret);
}
