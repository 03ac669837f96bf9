using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Alerts.Grains.Hosting;

/// <summary>
/// Settings that are wrong or that nothing reads, said plainly: a bad value stops the silo with one line
/// naming it (not a stack trace), and a key under our sections that no setting has (usually misspelt, and
/// otherwise silently ignored) is warned about at start.
/// </summary>
public sealed partial class SettingsProblems(IConfiguration configuration, ILogger<SettingsProblems> log) : IHostedService
{
    private static readonly (string Section, string[] Known)[] Sections =
    [
        // Beside the silo's own: the gateway's (MaxUploadBytes, UploadIdleTimeout), which deployments set on both alike.
        (AlertsOptions.Section, [.. Names(typeof(AlertsOptions)), "Webhook", "Files", "Records", "MetricsPort", "MetricsHost", "MaxUploadBytes", "UploadIdleTimeout", "Dashboard"]),
        (WebhookOptions.Section, [.. Names(typeof(WebhookOptions)), .. Names(typeof(RateLimitOptions)), .. Names(typeof(CircuitOptions))]),
        (FileProcessingOptions.Section, [.. Names(typeof(FileProcessingOptions)), "WatchInbox"]),
        (RecordOptions.Section, [.. Names(typeof(RecordOptions))]),
    ];

    /// <summary>A start-up failure caused by a setting, as one line; null for any other failure.</summary>
    public static string? Describe(Exception error) => error switch
    {
        OptionsValidationException invalid => string.Join("; ", invalid.Failures),
        InvalidOperationException { Message: var message } when message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal) => message,
        _ when error.InnerException is { } inner => Describe(inner),
        _ => null,
    };

    /// <summary>Reads every settings class once, so that a bad value fails here, before the host starts (and logs it at length).</summary>
    public static void Check(IServiceProvider services)
    {
        _ = services.GetRequiredService<IOptions<AlertsOptions>>().Value;
        _ = services.GetRequiredService<IOptions<FileProcessingOptions>>().Value;
        _ = services.GetRequiredService<IOptions<WebhookOptions>>().Value;
        _ = services.GetRequiredService<IOptions<RateLimitOptions>>().Value;
        _ = services.GetRequiredService<IOptions<CircuitOptions>>().Value;
    }

    /// <summary>Keys under our sections that no setting reads, as full paths.</summary>
    public static IEnumerable<string> Unknown(IConfiguration configuration) =>
        Sections.SelectMany(s => configuration.GetSection(s.Section).GetChildren()
            .Where(child => !s.Known.Contains(child.Key, StringComparer.OrdinalIgnoreCase))
            .Select(child => child.Path));

    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var key in Unknown(configuration)) LogUnknown(key);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static IEnumerable<string> Names(Type options) => options.GetProperties().Where(p => p.CanWrite).Select(p => p.Name);

    [LoggerMessage(LogLevel.Warning, "{Key} is not a setting (misspelt?): it is ignored")]
    private partial void LogUnknown(string key);
}
