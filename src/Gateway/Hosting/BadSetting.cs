using Microsoft.Extensions.Options;

namespace Alerts.Gateway.Hosting;

/// <summary>A start-up failure caused by a setting, as one line (not a stack trace); null for any other failure.</summary>
public static class BadSetting
{
    public static string? Describe(Exception error) => error switch
    {
        OptionsValidationException invalid => string.Join("; ", invalid.Failures),
        InvalidOperationException { Message: var message } when message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal) => message,
        AggregateException { InnerExceptions: var inner } => inner.Select(Describe).FirstOrDefault(d => d is not null),
        _ when error.InnerException is { } inner => Describe(inner),
        _ => null,
    };
}
