using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Alerts.Gateway.Access;

/// <summary>The gateway's API keys, compared in constant time.</summary>
public sealed class ApiKeys(IOptions<AccessOptions> options)
{
    private readonly byte[][] _keys = [.. options.Value.Keys.Select(Encoding.UTF8.GetBytes)];

    /// <summary>Whether any key is set; without one, every caller is let in (and the gateway listens on loopback only).</summary>
    public bool Required => _keys.Length > 0;

    /// <summary>Whether <paramref name="presented"/> is one of the keys (always, when none is set).</summary>
    public bool Known(string presented)
    {
        if (!Required) return true;
        var bytes = Encoding.UTF8.GetBytes(presented);
        var known = false;
        foreach (var key in _keys) known |= CryptographicOperations.FixedTimeEquals(bytes, key);
        return known;
    }
}
