using Alerts.Cli.Api;
using Alerts.Cli.Output;
using Spectre.Console;

namespace Alerts.Cli.Watching;

/// <summary>
/// Shows a watched file: a live progress bar on a terminal; elsewhere (a pipe, a log, a test) one line each
/// time the counts change.
/// </summary>
public static class ProgressDisplay
{
    /// <summary>Runs <paramref name="watch"/>, showing each status it reports, and then the outcome.</summary>
    public static async Task<FileSummary> ShowAsync(TextWriter output, Func<Action<FileSummary>, Task<FileSummary>> watch)
    {
        var finished = IsTerminal(output) ? await BarAsync(output, watch) : await LinesAsync(output, watch);
        output.WriteLine(Outcome(finished));
        FileDetails.WriteInvalidRows(finished, output); // why rows were left out, where a count alone would not say
        return finished;
    }

    /// <summary>The counts while a file is under way: delivered, dead letters, rate, ETA.</summary>
    public static string Counts(FileSummary f) =>
        $"{Figures.Count(f.Delivered)}/{Figures.Count(f.Valid)} delivered, {Figures.Count(f.DeadLettered)} dead letters"
        + (f.IsFinished ? "" : $", {Figures.Rate(f.Rate)}, ETA {Figures.Eta(f.EtaSeconds)}");

    public static string Outcome(FileSummary f) => f.Status switch
    {
        FileStatuses.Failed => $"{f.Name}: Failed: {f.Error ?? "no reason given"}",
        FileStatuses.Cancelled => $"{f.Name}: Cancelled after {Figures.Count(f.Delivered)} alerts delivered (its report says which were not sent)",
        _ when f.DeadLettered > 0 => $"{f.Name}: Completed with {Figures.Count(f.DeadLettered)} dead letters of {Figures.Count(f.Valid)} alerts (alerts status {f.FileId[..12]} shows them; alerts retry {f.FileId[..12]} requeues them)",
        _ => $"{f.Name}: Completed: {Figures.Count(f.Delivered)} alerts delivered, {Figures.Count(f.Invalid)} invalid rows",
    };

    private static bool IsTerminal(TextWriter output) => ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;

    private static async Task<FileSummary> BarAsync(TextWriter output, Func<Action<FileSummary>, Task<FileSummary>> watch)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output) });
        return await console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask("reading", maxValue: 100);
                var finished = await watch(f =>
                {
                    task.Value = f.Progress * 100;
                    task.Description = Markup.Escape($"{f.Status} {Counts(f)}");
                });
                task.Value = 100;
                task.StopTask();
                return finished;
            });
    }

    private static async Task<FileSummary> LinesAsync(TextWriter output, Func<Action<FileSummary>, Task<FileSummary>> watch)
    {
        (string, double, long, long)? last = null;
        return await watch(f =>
        {
            // Rate and ETA change on every poll; a new line only when the file has moved on.
            var state = (f.Status, Math.Floor(f.Progress * 100), f.Delivered, f.DeadLettered);
            if (state == last) return;
            last = state;
            output.WriteLine($"{f.Status} read {Figures.Percent(f.Progress)}, {Counts(f)}");
        });
    }
}
