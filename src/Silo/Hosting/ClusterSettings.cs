using Microsoft.Extensions.Configuration;

namespace Alerts.Silo.Hosting;

/// <summary>
/// The cluster settings (Redis, cluster identity, ports), read under the names scripts and deployments use.
/// <c>Orleans:AdvertisedHost</c> is a name or address other silos reach this one at, or <c>auto</c> for this host's own
/// address; unset, the silo listens on loopback only.
/// </summary>
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
