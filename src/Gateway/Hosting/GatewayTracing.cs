using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Alerts.Gateway.Hosting;

/// <summary>
/// OpenTelemetry traces over OTLP, on when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set: each HTTP request (an incoming
/// <c>traceparent</c> is continued) and the grain calls it makes, whose trace the silos carry on to the webhook.
/// </summary>
public static class GatewayTracing
{
    public static bool Enabled(IConfiguration configuration) => !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);

    public static void AddGatewayTracing(this WebApplicationBuilder builder)
    {
        if (!Enabled(builder.Configuration)) return;
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("alerts-gateway"))
            .WithTracing(tracing => tracing
                .AddSource("Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application")
                .AddAspNetCoreInstrumentation(o => o.Filter = context => !context.Request.Path.StartsWithSegments("/health") && !context.Request.Path.StartsWithSegments("/metrics"))
                .AddOtlpExporter());
    }
}
