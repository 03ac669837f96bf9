using Alerts.Grains.Common;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Alerts.Silo.Hosting;

/// <summary>
/// OpenTelemetry traces over OTLP, on when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (the exporter reads the other
/// <c>OTEL_*</c> settings itself): grain calls (Orleans' activity propagation carries the caller's trace), each alert's
/// delivery, and the webhook requests. Off, no span is made at all.
/// </summary>
public static class SiloTracing
{
    public const string EndpointSetting = "OTEL_EXPORTER_OTLP_ENDPOINT";

    public static bool Enabled(IConfiguration configuration) => !string.IsNullOrWhiteSpace(configuration[EndpointSetting]);

    public static void AddSiloTracing(this HostApplicationBuilder builder)
    {
        if (!Enabled(builder.Configuration)) return;
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("alerts-silo"))
            .WithTracing(tracing => tracing
                .AddSource(AlertsTracing.SourceName, "Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application")
                .AddHttpClientInstrumentation()
                .AddOtlpExporter());
    }
}
