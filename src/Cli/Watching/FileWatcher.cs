using System.Net;
using Alerts.Cli.Api;

namespace Alerts.Cli.Watching;

/// <summary>Polls a file's status until it is Completed or Failed, reporting each status seen.</summary>
public sealed class FileWatcher(GatewayClient gateway, TimeSpan interval)
{
    public async Task<FileSummary> WatchAsync(string fileId, Action<FileSummary> seen, CancellationToken cancel)
    {
        while (true)
        {
            try
            {
                var summary = await gateway.GetFileAsync(fileId, cancel);
                seen(summary);
                if (summary.IsFinished) return summary;
            }
            catch (CliException error) when (error.Status == HttpStatusCode.ServiceUnavailable)
            {
                // A silo just died: the gateway answers again once the cluster has settled.
            }
            await Task.Delay(interval, cancel);
        }
    }

    /// <summary>The exit code a watched file ends with.</summary>
    public static int ExitCode(FileSummary finished) => finished switch
    {
        { Status: FileStatuses.Failed } => ExitCodes.Failed,
        { Status: FileStatuses.Cancelled } => ExitCodes.Cancelled,
        { DeadLettered: > 0 } => ExitCodes.DeadLetters,
        _ => ExitCodes.Ok,
    };
}
