using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;

namespace Alerts.Grains.Files;

/// <summary>alert id = hash(fileId, userId, alertMessage): one alert per user and message in a file.</summary>
internal static class AlertIds
{
    public static string For(string fileId, string userId, string message)
    {
        // Length-prefixed fields, so ("a,b","c") and ("a","b,c") never collide; hashed from a pooled buffer, not a string.
        var text = new DefaultInterpolatedStringHandler(4, 4, CultureInfo.InvariantCulture, stackalloc char[256]);
        text.AppendFormatted(fileId.Length);
        text.AppendLiteral(":");
        text.AppendFormatted(fileId);
        text.AppendLiteral("|");
        text.AppendFormatted(userId.Length);
        text.AppendLiteral(":");
        text.AppendFormatted(userId);
        text.AppendLiteral("|");
        text.AppendFormatted(message);
        var chars = text.Text;
        var bytes = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(chars.Length));
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(bytes.AsSpan(0, Encoding.UTF8.GetBytes(chars, bytes)), hash);
        ArrayPool<byte>.Shared.Return(bytes);
        text.Clear();
        return Convert.ToHexStringLower(hash[..16]);
    }
}
