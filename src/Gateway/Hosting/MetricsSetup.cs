using OpenTelemetry.Metrics;

namespace Alerts.Gateway.Hosting;

/// <summary><c>GET /metrics</c>: Prometheus text of the cluster's file totals, the gateway's Orleans client and HTTP server meters.</summary>
public static class MetricsSetup
{
    public static void AddGatewayMetrics(this WebApplicationBuilder builder)
    {
        builder.Services.AddHostedService<FileTotals>();
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(FileTotals.MeterName, "Microsoft.Orleans", "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "System.Net.Http")
            .AddPrometheusExporter());
    }

    public static void MapMetrics(this WebApplication app) => app.MapPrometheusScrapingEndpoint("/metrics");
}
