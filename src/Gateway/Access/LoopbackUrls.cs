using System.Net;

namespace Alerts.Gateway.Access;

/// <summary>With no API key, the gateway must not be reachable from other hosts: listen addresses are moved to loopback.</summary>
public static class LoopbackUrls
{
    /// <summary>The same URLs (semicolon-separated) with every host that is not loopback replaced by 127.0.0.1.</summary>
    public static string Restrict(string urls) => string.Join(';', urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Restrict1));

    private static string Restrict1(string url)
    {
        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd < 0) return url;
        var rest = url[(schemeEnd + 3)..];
        var hostEnd = rest.StartsWith('[') ? rest.IndexOf(']') + 1 : rest.IndexOfAny([':', '/']) is var i and >= 0 ? i : rest.Length;
        var host = rest[..hostEnd];
        return IsLoopback(host) ? url : url[..(schemeEnd + 3)] + "127.0.0.1" + rest[hostEnd..];
    }

    private static bool IsLoopback(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address);
}
