using System.CommandLine;
using Alerts.Cli.Api;
using Alerts.Cli.Output;

namespace Alerts.Cli.Commands;

/// <summary>
/// <c>alerts pause ID|--all</c> and <c>alerts resume ID|--all</c>: one file's switch, or the switch for all delivery;
/// <c>alerts cancel ID</c>: one file, for good.
/// </summary>
public static class PauseCommand
{
    public static Command Pause(ConnectionOptions connection) =>
        Create(connection, "pause", "Pause a file, or all delivery (--all): nothing more is sent, no attempt is spent", paused: true);

    public static Command Resume(ConnectionOptions connection) =>
        Create(connection, "resume", "Resume a file, or all delivery (--all), where it stopped", paused: false);

    public static Command Cancel(ConnectionOptions connection)
    {
        var fileId = new Argument<string>("fileId") { Description = "a file's id, or its first characters" };
        var command = new Command("cancel", "Cancel a file for good: alerts not yet sent never are (its report says cancelled for each)") { fileId };
        command.SetAction(async (parsed, cancel) =>
        {
            using var gateway = connection.Connect(parsed);
            var file = await gateway.CancelFileAsync(await FileIdLookup.ResolveAsync(gateway, parsed.GetValue(fileId)!, cancel), cancel);
            parsed.InvocationConfiguration.Output.WriteLine($"{file.FileId[..12]}  {file.Name}: {file.Status}, {Figures.Count(file.Delivered)} delivered");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Create(ConnectionOptions connection, string name, string description, bool paused)
    {
        var fileId = new Argument<string?>("fileId") { Description = "a file's id, or its first characters", Arity = ArgumentArity.ZeroOrOne };
        var all = new Option<bool>("--all") { Description = "all delivery, every file in the cluster" };
        var command = new Command(name, description) { fileId, all };
        // Said outright, never a default: a bare 'alerts pause' stopping the whole cluster would surprise.
        command.Validators.Add(result =>
        {
            var (hasFile, hasAll) = (result.GetValue(fileId) is not null, result.GetResult(all) is not null);
            if (hasFile == hasAll) result.AddError($"say what to {name}: a file's id, or --all (every file in the cluster)");
        });
        command.SetAction(async (parsed, cancel) =>
        {
            var output = parsed.InvocationConfiguration.Output;
            using var gateway = connection.Connect(parsed);
            if (parsed.GetValue(fileId) is { } typed)
            {
                var file = await gateway.SetFilePausedAsync(await FileIdLookup.ResolveAsync(gateway, typed, cancel), paused, cancel);
                output.WriteLine($"{file.FileId[..12]}  {file.Name}: {file.Status}");
                return ExitCodes.Ok;
            }
            var state = await gateway.SetDeliveryPausedAsync(paused, cancel);
            output.WriteLine(state.Paused
                ? $"delivery paused since {Figures.Time(state.PausedAt)}"
                : $"delivery running: budget {Figures.Count((long)state.Budget)}/s{(state.EndpointDown ? ", the webhook is down (its circuit is open)" : "")}");
            return ExitCodes.Ok;
        });
        return command;
    }
}
