using System.CommandLine;
using Alerts.Cli.Api;

namespace Alerts.Cli;

/// <summary>The options every command takes: where the gateway is and the API key to send.</summary>
public sealed class ConnectionOptions
{
    private const string DefaultUrl = "http://127.0.0.1:5000";

    public Option<string> Url { get; } = new("--url")
    {
        Description = "the gateway's address (env ALERTS_URL)",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("ALERTS_URL") is { Length: > 0 } url ? url : DefaultUrl,
        Recursive = true,
    };

    // No default value factory: help would print the key.
    public Option<string?> ApiKey { get; } = new("--api-key")
    {
        Description = "sent as X-Api-Key (default: env ALERTS_API_KEY)",
        Recursive = true,
    };

    public GatewayClient Connect(ParseResult parsed)
    {
        var text = parsed.GetValue(Url) ?? DefaultUrl;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            throw new CliException($"--url {text} is not an http:// or https:// address");
        // A trailing slash, so that the API's paths resolve under a gateway served below a path.
        if (!url.AbsolutePath.EndsWith('/')) url = new UriBuilder(url) { Path = url.AbsolutePath + "/" }.Uri;
        var key = parsed.GetValue(ApiKey) ?? Environment.GetEnvironmentVariable("ALERTS_API_KEY");
        return new GatewayClient(url, key);
    }
}
