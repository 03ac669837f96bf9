namespace Alerts.Gateway.Access;

/// <summary>Who may call the gateway, bound from the <c>Gateway</c> section.</summary>
public sealed class AccessOptions
{
    public const string Section = "Gateway";

    /// <summary>
    /// API keys, comma-separated (none by default). When set, every endpoint but <c>/health</c> needs
    /// <c>X-Api-Key: key</c> or <c>Authorization: Bearer key</c>. When none is set the gateway listens on
    /// loopback only, whatever <c>--urls</c> says.
    /// </summary>
    public string? ApiKey { get; set; }

    public IReadOnlyList<string> Keys =>
        ApiKey?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
}
