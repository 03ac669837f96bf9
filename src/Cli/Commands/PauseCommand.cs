using System.CommandLine;
using Alerts.Cli.Api;
using Alerts.Cli.Output;

namespace Alerts.Cli.Commands;

/// <summary><c>alerts pause --all</c> and <c>alerts resume --all</c>: the switch for all delivery.</summary>
public static class PauseCommand
{
    public static Command Pause(ConnectionOptions connection) =>
        Create(connection, "pause", "Pause all delivery (--all): nothing is sent, no attempt is spent, files keep their place", paused: true);

    public static Command Resume(ConnectionOptions connection) =>
        Create(connection, "resume", "Resume all delivery (--all) where it stopped", paused: false);

    private static Command Create(ConnectionOptions connection, string name, string description, bool paused)
    {
        var all = new Option<bool>("--all") { Description = "every file in the cluster" };
        var command = new Command(name, description) { all };
        // Said outright, never a default: a bare 'alerts pause' stopping the whole cluster would surprise.
        command.Validators.Add(result =>
        {
            if (result.GetResult(all) is null) result.AddError($"say what to {name}: --all (every file in the cluster)");
        });
        command.SetAction(async (parsed, cancel) =>
        {
            using var gateway = connection.Connect(parsed);
            var state = await gateway.SetDeliveryPausedAsync(paused, cancel);
            parsed.InvocationConfiguration.Output.WriteLine(state.Paused
                ? $"delivery paused since {Figures.Time(state.PausedAt)}"
                : $"delivery running: budget {Figures.Count((long)state.Budget)}/s{(state.EndpointDown ? ", the webhook is down (its circuit is open)" : "")}");
            return ExitCodes.Ok;
        });
        return command;
    }
}
