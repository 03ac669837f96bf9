using System.Net;
using Alerts.Grains.Common;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;

namespace Alerts.Silo.Hosting;

/// <summary>
/// Prometheus text at <c>http://{Alerts:MetricsHost}:{Alerts:MetricsPort}/metrics</c>: the silo's own
/// meters (rows read, webhook requests by outcome, permits leased), Orleans' runtime meters and the
/// webhook's HTTP client. Off when no port is set, so several silos on one host never fight over one.
/// The host is the name scrapers use (the listener answers only to it): localhost unless set; <c>*</c> answers every
/// name on every interface (a container scraped from another).
/// </summary>
public static class SiloMetrics
{
    private const string PortSetting = "Alerts:MetricsPort";
    private const string HostSetting = "Alerts:MetricsHost";

    public static void AddSiloMetrics(this HostApplicationBuilder builder)
    {
        if (builder.Configuration.GetValue<int?>(PortSetting) is not (> 0 and var port)) return;
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(AlertsMetrics.MeterName, "Microsoft.Orleans", "System.Net.Http")
            .AddPrometheusHttpListener(listener =>
            {
                listener.Port = port;
                var host = builder.Configuration[HostSetting] ?? "localhost";
                if (host is "*" or "+")
                    listener.ConfigureHttpListener = AnswerEveryHost; // a container scraped by its service name or address
                else
                    listener.Host = host;
            }));
    }

    // The exporter builds a URI from Host, which a wildcard is not; the wildcard prefix goes on the listener itself.
    private static void AnswerEveryHost(PrometheusHttpListenerOptions options, HttpListener listener)
    {
        listener.Prefixes.Clear();
        listener.Prefixes.Add($"http://+:{options.Port}{options.ScrapeEndpointPath?.TrimEnd('/') ?? "/metrics"}/");
    }
}
