using System.CommandLine;
using Alerts.Cli.Api;
using Alerts.Cli.Output;

namespace Alerts.Cli.Commands;

/// <summary><c>alerts status [&lt;fileId&gt;]</c>: the recent files as a table, or one file in detail.</summary>
public static class StatusCommand
{
    public static Command Create(ConnectionOptions connection)
    {
        var fileId = new Argument<string?>("fileId") { Description = "a file's id, or its first characters; none: the recent files", Arity = ArgumentArity.ZeroOrOne };
        var limit = new Option<int>("--limit", "-n") { Description = "how many recent files (at most 500)", DefaultValueFactory = _ => 20 };
        var command = new Command("status", "Show the recent files, or one file's counts, warning, error, first invalid rows and dead letters") { fileId, limit };
        command.SetAction(async (parsed, cancel) =>
        {
            var output = parsed.InvocationConfiguration.Output;
            using var gateway = connection.Connect(parsed);
            if (parsed.GetValue(fileId) is { } typed)
                FileDetails.Write(await gateway.GetFileAsync(await FileIdLookup.ResolveAsync(gateway, typed, cancel), cancel), output);
            else
                FileTable.Write(await gateway.ListFilesAsync(Math.Clamp(parsed.GetValue(limit), 1, 500), cancel), output);
            return ExitCodes.Ok;
        });
        return command;
    }
}
