using System.CommandLine;
using System.Text;
using Alerts.Cli.Api;

namespace Alerts.Cli.Commands;

/// <summary><c>alerts report &lt;fileId&gt; [-o FILE]</c>: streams the file's CSV report, one line per row.</summary>
public static class ReportCommand
{
    public static Command Create(ConnectionOptions connection)
    {
        var fileId = new Argument<string>("fileId") { Description = "the file's id, or its first characters" };
        var outputFile = new Option<string?>("--output", "-o") { Description = "write it to this file instead of stdout" };
        var command = new Command("report", "Stream a file's report: line,userId,status,attempts,httpStatus,deliveredAt,error") { fileId, outputFile };
        command.SetAction(async (parsed, cancel) =>
        {
            using var gateway = connection.Connect(parsed);
            var id = await FileIdLookup.ResolveAsync(gateway, parsed.GetValue(fileId)!, cancel);
            if (parsed.GetValue(outputFile) is { } path)
                await ToFileAsync(gateway, id, path, parsed.InvocationConfiguration.Output, cancel);
            else
                await gateway.ReadReportAsync(id, body => CopyAsync(body, parsed.InvocationConfiguration.Output, cancel), cancel);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static async Task CopyAsync(Stream body, TextWriter output, CancellationToken cancel)
    {
        using var reader = new StreamReader(body, Encoding.UTF8);
        var buffer = new char[16 * 1024];
        int read;
        while ((read = await reader.ReadAsync(buffer, cancel)) > 0) await output.WriteAsync(buffer.AsMemory(0, read), cancel);
        await output.FlushAsync(cancel);
    }

    /// <summary>Written beside the target and moved into place when whole: a cut-off report never looks complete.</summary>
    private static async Task ToFileAsync(GatewayClient gateway, string fileId, string path, TextWriter output, CancellationToken cancel)
    {
        var part = path + ".part";
        try
        {
            await gateway.ReadReportAsync(fileId, async body =>
            {
                await using var file = new FileStream(part, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
                await body.CopyToAsync(file, cancel);
            }, cancel);
            File.Move(part, path, overwrite: true);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            File.Delete(part);
            throw new CliException($"cannot write the report to {path}: {error.Message}", inner: error);
        }
        catch
        {
            File.Delete(part);
            throw;
        }
        output.WriteLine($"report written to {path}");
    }
}
