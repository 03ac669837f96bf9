using System.CommandLine;
using Alerts.Cli.Api;
using Alerts.Cli.Commands;

namespace Alerts.Cli;

/// <summary>
/// The <c>alerts</c> command line. Runs in-process with any writers (tests capture them); failures are one line
/// on <c>error</c> and exit code 3, never a stack trace.
/// </summary>
public static class CliApp
{
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancel = default)
    {
        var parsed = Root().Parse(args);
        if (parsed.Errors.Count > 0)
        {
            await error.WriteLineAsync($"alerts: {parsed.Errors[0].Message} (alerts --help shows the usage)");
            return ExitCodes.Error;
        }
        try
        {
            return await parsed.InvokeAsync(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false }, cancel);
        }
        catch (CliException failure)
        {
            await error.WriteLineAsync($"alerts: {failure.Message}");
            return ExitCodes.Error;
        }
        catch (Exception failure) when (failure is IOException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync($"alerts: {failure.Message}");
            return ExitCodes.Error;
        }
        catch (OperationCanceledException)
        {
            return ExitCodes.Interrupted;
        }
    }

    private static RootCommand Root()
    {
        var connection = new ConnectionOptions();
        return new RootCommand("Upload alert files to the Alerts gateway, watch them, read their reports, retry dead letters, pause or cancel delivery.\n"
            + "Exit codes: 0 done, 1 a watched file completed with dead letters, 2 it failed, 3 an error, 4 it was cancelled.")
        {
            connection.Url,
            connection.ApiKey,
            UploadCommand.Create(connection),
            StatusCommand.Create(connection),
            WatchCommand.Create(connection),
            ReportCommand.Create(connection),
            RetryCommand.Create(connection),
            PauseCommand.Pause(connection),
            PauseCommand.Resume(connection),
            PauseCommand.Cancel(connection),
        };
    }
}
