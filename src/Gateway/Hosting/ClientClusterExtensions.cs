using Orleans.Configuration;
using Orleans.Dashboard;
using StackExchange.Redis;

namespace Alerts.Gateway.Hosting;

public static class ClientClusterExtensions
{
    private static readonly TimeSpan ConnectRetryDelay = TimeSpan.FromSeconds(1);

    /// <summary>An Orleans client on the silos' clustering: Redis when <c>ConnectionStrings:Redis</c> is set, else the localhost development silo.</summary>
    public static WebApplicationBuilder UseAlertsClient(this WebApplicationBuilder builder)
    {

        var configuration = builder.Configuration;
        var redis = configuration.GetConnectionString("Redis");
        // The web server starts beside the cluster client, not after it has connected: health answers at once.
        builder.Services.Configure<HostOptions>(o => o.ServicesStartConcurrently = true);
        builder.Services.AddSingleton<ClusterConnection>();
        builder.Services.AddSingleton<ILifecycleParticipant<IClusterClientLifecycle>>(services => services.GetRequiredService<ClusterConnection>());
        if (!string.IsNullOrWhiteSpace(redis))
            builder.Services.AddSingleton(_ => new RedisProbe(ConfigurationOptions.Parse(redis)));
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = configuration["Orleans:ClusterId"] ?? "alerts";
                o.ServiceId = configuration["Orleans:ServiceId"] ?? "alerts";
            });
            // A request caught by a silo's death is otherwise awaited for 30 s; status reads should fail fast and be retried.
            client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = configuration.GetValue("Orleans:ResponseTimeout", TimeSpan.FromSeconds(10)));
            // A silo declared dead (frozen, cut off) leaves the list of gateways at the next refresh: every 5 s, not every minute.
            client.Configure<Orleans.Configuration.GatewayOptions>(o => o.GatewayListRefreshPeriod = configuration.GetValue("Orleans:GatewayListRefreshPeriod", TimeSpan.FromSeconds(5)));
            client.AddDashboard(); // served at /dashboard; the silos add theirs (Alerts:Dashboard)
            if (GatewayTracing.Enabled(configuration)) client.AddActivityPropagation();
            // No silo yet is no reason to stop: the gateway keeps trying, answering "not ready" meanwhile.
            client.UseConnectionRetryFilter(async (error, cancellationToken) =>
            {
                await Task.Delay(ConnectRetryDelay, cancellationToken);
                return true;
            });
            if (string.IsNullOrWhiteSpace(redis))
                client.UseLocalhostClustering(configuration.GetValue("Orleans:GatewayPort", 30000));
            else
                client.UseRedisClustering(o => o.ConfigurationOptions = ConfigurationOptions.Parse(redis));
        });
        return builder;
    }
}
