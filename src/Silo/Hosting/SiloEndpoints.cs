using System.Net;
using Alerts.Grains.Common;
using Alerts.Grains.Records;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using Orleans.Runtime;

namespace Alerts.Silo.Hosting;

/// <summary>
/// A small web endpoint on <c>Alerts:MetricsPort</c>: Prometheus text at <c>/metrics</c> (the silo's own meters,
/// Orleans' and the webhook client's), <c>/health/live</c> (200 while the process answers) and
/// <c>/health/ready</c> (200 once this silo is an active member of the cluster, confirmed by the membership table, and
/// its Redis answers; 503 while it joins, after it starts leaving, when Redis does not answer, or while it cannot
/// confirm its membership: what a load balancer or an orchestrator asks; it also counts the silos others suspect).
/// Off when no port is set, so several silos on one host never fight over one. It listens on
/// <c>Alerts:MetricsHost</c> (localhost unless set; an address, or <c>*</c> for every interface: a container scraped from another).
/// </summary>
public static class SiloEndpoints
{
    private const string PortSetting = "Alerts:MetricsPort";
    private const string HostSetting = "Alerts:MetricsHost";

    public static void AddSiloEndpoints(this HostApplicationBuilder builder)
    {
        if (builder.Configuration.GetValue<int?>(PortSetting) is not (> 0 and var port)) return;
        var host = builder.Configuration[HostSetting] ?? "localhost";
        // Registered before Orleans, so it answers "live" (and "not ready") while the silo starts.
        builder.Services.AddHostedService(silo => new EndpointHost(silo, host, port));
    }

    private sealed class EndpointHost(IServiceProvider silo, string host, int port) : IHostedService
    {
        private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(3);
        private WebApplication? _app;

        public async Task StartAsync(CancellationToken cancellationToken)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls($"http://{(host is "localhost" || IPAddress.TryParse(host, out _) ? host : "*")}:{port}");
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
                .AddMeter(AlertsMetrics.MeterName, "Microsoft.Orleans", "System.Net.Http", "System.Runtime")
                .AddPrometheusExporter());
            _app = builder.Build();
            _app.MapPrometheusScrapingEndpoint();
            _app.MapGet("/health/live", () => Results.Ok(new { status = "live" }));
            _app.MapGet("/health/ready", ReadyAsync);
            await _app.StartAsync(cancellationToken);
        }

        private async Task<IResult> ReadyAsync(CancellationToken aborted)
        {
            var local = silo.GetRequiredService<ILocalSiloDetails>().SiloAddress;
            var status = silo.GetRequiredService<IClusterMembershipService>().CurrentSnapshot.GetSiloStatus(local);
            using var probe = CancellationTokenSource.CreateLinkedTokenSource(aborted);
            probe.CancelAfter(ProbeTimeout);
            var redis = await silo.GetRequiredService<DeliveryRecords>().AnswersAsync(probe.Token);
            var liveness = silo.GetRequiredService<SiloLiveness>();
            var ready = status == SiloStatus.Active && redis && liveness.Confirmed;
            return Results.Json(new
            {
                status = ready ? "ready" : "unavailable",
                silo = status.ToString(),
                redis = redis ? "ok" : "not answering",
                member = liveness.Confirmed ? "confirmed" : "unconfirmed: sending nothing",
                suspectedSilos = liveness.Suspected,
            },
                statusCode: ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
        }

        public async Task StopAsync(CancellationToken cancellationToken)
        {
            if (_app is null) return;
            await _app.StopAsync(cancellationToken);
            await _app.DisposeAsync();
        }
    }
}
