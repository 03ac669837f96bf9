using Microsoft.Extensions.Configuration;

namespace Alerts.Silo.Hosting;

/// <summary>The cluster settings (Redis, cluster identity, ports), read under the names scripts and deployments use.</summary>
public sealed record ClusterSettings(string? Redis, string ClusterId, string ServiceId, int SiloPort, int GatewayPort, string? AdvertisedHost)
{
    public bool IsDurable => !string.IsNullOrWhiteSpace(Redis);

    public static ClusterSettings From(IConfiguration configuration) => new(
        configuration.GetConnectionString("Redis"),
        configuration["Orleans:ClusterId"] ?? "alerts",
        configuration["Orleans:ServiceId"] ?? "alerts",
        configuration.GetValue("Orleans:SiloPort", 11111),
        configuration.GetValue("Orleans:GatewayPort", 30000),
        configuration["Orleans:AdvertisedHost"]);
}
