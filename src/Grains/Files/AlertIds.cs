using System.Security.Cryptography;
using System.Text;

namespace Alerts.Grains.Files;

/// <summary>alert id = hash(fileId, userId, alertMessage): one alert per user and message in a file.</summary>
internal static class AlertIds
{
    public static string For(string fileId, string userId, string message)
    {
        // Length-prefixed fields, so ("a,b","c") and ("a","b,c") never collide.
        var text = $"{fileId.Length}:{fileId}|{userId.Length}:{userId}|{message}";
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(text), hash);
        return Convert.ToHexStringLower(hash[..16]);
    }
}
