using System.CommandLine;
using Alerts.Cli.Api;
using Alerts.Cli.Output;

namespace Alerts.Cli.Commands;

/// <summary><c>alerts retry [&lt;fileId&gt;]</c>: requeues one file's dead letters, or every file's.</summary>
public static class RetryCommand
{
    public static Command Create(ConnectionOptions connection)
    {
        var fileId = new Argument<string?>("fileId") { Description = "a file's id, or its first characters; none: every listed file", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("retry", "Requeue dead letters with fresh attempts") { fileId };
        command.SetAction(async (parsed, cancel) =>
        {
            var output = parsed.InvocationConfiguration.Output;
            using var gateway = connection.Connect(parsed);
            var id = parsed.GetValue(fileId) is { } typed ? await FileIdLookup.ResolveAsync(gateway, typed, cancel) : null;
            var result = await gateway.RetryAsync(id, cancel);
            output.WriteLine($"requeued {Figures.Count(result.Requeued)} dead letters");
            foreach (var file in result.Files) output.WriteLine($"  {file.FileId[..12]}  {file.Name}: {Figures.Count(file.Requeued)}");
            return ExitCodes.Ok;
        });
        return command;
    }
}
