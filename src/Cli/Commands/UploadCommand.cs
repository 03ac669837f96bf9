using System.CommandLine;

namespace Alerts.Cli.Commands;

/// <summary><c>alerts upload &lt;file&gt;</c>: sends a file to the gateway and prints its id and status URL.</summary>
public static class UploadCommand
{
    public static Command Create(ConnectionOptions connection)
    {
        var file = new Argument<string>("file") { Description = "CSV (userId,alertMessage), a column of user ids with --message, or JSON Lines" };
        var message = new Option<string?>("--message", "-m") { Description = "the alert message for a file of user ids only" };
        var force = new Option<bool>("--force") { Description = "a new batch, even if the same content was sent before" };
        var watch = new Option<bool>("--watch", "-w") { Description = "then watch it to its end (exit codes as for watch)" };
        var command = new Command("upload", "Upload a file of alerts") { file, message, force, watch };
        command.SetAction(async (parsed, cancel) =>
        {
            var output = parsed.InvocationConfiguration.Output;
            using var gateway = connection.Connect(parsed);
            var accepted = await gateway.UploadAsync(parsed.GetValue(file)!, parsed.GetValue(message), parsed.GetValue(force), cancel);
            output.WriteLine($"file id: {accepted.FileId}");
            output.WriteLine($"status:  {new Uri(gateway.BaseUrl, accepted.StatusUrl.TrimStart('/'))}");
            if (accepted.AlreadyKnown) output.WriteLine("this content was uploaded before and is not sent again (--force sends it as a new batch)");
            return parsed.GetValue(watch) ? await WatchCommand.WatchAsync(gateway, accepted.FileId, output, cancel) : ExitCodes.Ok;
        });
        return command;
    }
}
