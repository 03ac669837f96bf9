using Alerts.Gateway.Hosting;
using Microsoft.Extensions.Options;

namespace Alerts.Gateway.Uploads;

/// <summary>
/// At start, deletes upload part files left by a gateway that crashed mid-upload. Only parts an hour old:
/// another gateway sharing the data root may be writing a fresh one.
/// </summary>
public sealed partial class PartSweeper(IOptions<GatewayOptions> options, TimeProvider time, ILogger<PartSweeper> log) : IHostedService
{
    private static readonly TimeSpan Abandoned = TimeSpan.FromHours(1);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var folder = options.Value.Uploads;
        if (!Directory.Exists(folder)) return Task.CompletedTask;
        var swept = 0;
        foreach (var part in new DirectoryInfo(folder).EnumerateFiles("*" + UploadReader.PartSuffix))
        {
            if (time.GetUtcNow().UtcDateTime - part.LastWriteTimeUtc < Abandoned) continue;
            try
            {
                part.Delete();
                swept++;
            }
            catch (IOException error)
            {
                LogSweepFailed(error, part.Name);
            }
        }
        if (swept > 0) LogSwept(swept, folder);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(LogLevel.Information, "Deleted {Count} abandoned upload parts in {Folder}")]
    private partial void LogSwept(int count, string folder);

    [LoggerMessage(LogLevel.Warning, "Could not delete the abandoned upload part {Name}")]
    private partial void LogSweepFailed(Exception error, string name);
}
