using System.Net;

namespace Alerts.Cli.Api;

/// <summary>A failure the user can act on: its message is the one line printed on stderr, without a stack trace.</summary>
public sealed class CliException(string message, HttpStatusCode? status = null, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The gateway's HTTP status, when the gateway answered.</summary>
    public HttpStatusCode? Status { get; } = status;
}
