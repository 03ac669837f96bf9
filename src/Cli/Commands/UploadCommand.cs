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
        var at = new Option<DateTimeOffset?>("--at")
        {
            Description = "send nothing before this time (ISO 8601, such as 2026-12-24T21:00:00Z; without an offset, local time)",
            CustomParser = result => DateTimeOffset.TryParse(result.Tokens.Single().Value, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeLocal, out var time)
                ? time : Fail(result, $"--at: '{result.Tokens.Single().Value}' is not a time; give ISO 8601, such as 2026-12-24T21:00:00Z"),
        };
        var priority = new Option<string>("--priority") { Description = "high: its alerts get permits before those of normal files", DefaultValueFactory = _ => "normal" };
        priority.AcceptOnlyFromAmong("high", "normal");
        var command = new Command("upload", "Upload a file of alerts") { file, message, force, watch, at, priority };
        command.SetAction(async (parsed, cancel) =>
        {
            var output = parsed.InvocationConfiguration.Output;
            using var gateway = connection.Connect(parsed);
            var accepted = await gateway.UploadAsync(parsed.GetValue(file)!, parsed.GetValue(message), parsed.GetValue(force), cancel,
                parsed.GetValue(at), parsed.GetValue(priority) == "high");
            output.WriteLine($"file id: {accepted.FileId}");
            if (parsed.GetValue(at) is { } notBefore && accepted.Status == "Scheduled") output.WriteLine($"scheduled: nothing is sent before {notBefore:O}");
            output.WriteLine($"status:  {new Uri(gateway.BaseUrl, accepted.StatusUrl.TrimStart('/'))}");
            if (accepted.AlreadyKnown) output.WriteLine("this content was uploaded before and is not sent again (--force sends it as a new batch)");
            return parsed.GetValue(watch) ? await WatchCommand.WatchAsync(gateway, accepted.FileId, output, cancel) : ExitCodes.Ok;
        });
        return command;
    }

    private static DateTimeOffset? Fail(System.CommandLine.Parsing.ArgumentResult result, string error)
    {
        result.AddError(error);
        return null;
    }
}
