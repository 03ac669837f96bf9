using System.CommandLine;
using Alerts.Cli.Api;
using Alerts.Cli.Watching;

namespace Alerts.Cli.Commands;

/// <summary><c>alerts watch &lt;fileId&gt;</c>: a live progress bar until the file is Completed or Failed.</summary>
public static class WatchCommand
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    public static Command Create(ConnectionOptions connection)
    {
        var fileId = new Argument<string>("fileId") { Description = "the file's id, or its first characters" };
        var command = new Command("watch", "Show a file's progress until it is Completed (exit 0, or 1 with dead letters) or Failed (exit 2)") { fileId };
        command.SetAction(async (parsed, cancel) =>
        {
            using var gateway = connection.Connect(parsed);
            var id = await FileIdLookup.ResolveAsync(gateway, parsed.GetValue(fileId)!, cancel);
            return await WatchAsync(gateway, id, parsed.InvocationConfiguration.Output, cancel);
        });
        return command;
    }

    /// <summary>Watches the file to its end and answers the exit code its outcome calls for.</summary>
    public static async Task<int> WatchAsync(GatewayClient gateway, string fileId, TextWriter output, CancellationToken cancel)
    {
        var watcher = new FileWatcher(gateway, PollInterval);
        var finished = await ProgressDisplay.ShowAsync(output, seen => watcher.WatchAsync(fileId, seen, cancel));
        return FileWatcher.ExitCode(finished);
    }
}
