using Alerts.Grains.Common;
using Alerts.Grains.Delivery;
using Alerts.Grains.Inbox;
using Alerts.Grains.Notifications;
using Alerts.Grains.RateLimiting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Alerts.Grains.Hosting;

public static class SiloServicesExtensions
{
    /// <summary>Registers what the grains need on a silo: settings, the webhook client, the permit leases, the confirmation batcher and the inbox watcher.</summary>
    public static IServiceCollection AddAlertsGrainServices(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddCheckedOptions<AlertsOptions>(configuration, AlertsOptions.Section, _ => []);
        services.AddCheckedOptions<FileProcessingOptions>(configuration, FileProcessingOptions.Section, o => o.Validate());
        services.AddCheckedOptions<WebhookOptions>(configuration, WebhookOptions.Section, o => o.Validate());
        services.AddCheckedOptions<RateLimitOptions>(configuration, RateLimitOptions.Section, o => o.Validate());
        services.AddCheckedOptions<CircuitOptions>(configuration, CircuitOptions.Section, o => o.Validate());
        services.TryAddSingleton(TimeProvider.System);
        services.AddHostedService(sp => new SettingsProblems(configuration, sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<SettingsProblems>>()));

        services.AddHttpClient(WebhookSender.ClientName, (sp, client) =>
            {
                var webhook = sp.GetRequiredService<IOptions<WebhookOptions>>().Value;
                client.BaseAddress = new Uri(webhook.Url);
                client.Timeout = webhook.RequestTimeout;
            })
            .ConfigurePrimaryHttpMessageHandler(sp => new SocketsHttpHandler
            {
                MaxConnectionsPerServer = sp.GetRequiredService<IOptions<WebhookOptions>>().Value.MaxConnections,
                PooledConnectionLifetime = TimeSpan.FromMinutes(2),
                AllowAutoRedirect = false, // a redirect would carry the alert, signature and key to another host
            });
        services.AddSingleton<WebhookSigner>();
        services.AddSingleton<WebhookSender>();
        services.AddSingleton<PermitLeases>();
        services.AddHostedService(sp => sp.GetRequiredService<PermitLeases>());
        services.TryAddSingleton<IWebhookPermits>(sp => sp.GetRequiredService<PermitLeases>());
        services.AddSingleton<AlertDeliverer>();
        services.AddSingleton<ClusterChanges>();
        services.AddHostedService(sp => sp.GetRequiredService<ClusterChanges>());
        services.AddSingleton<DeliveryDrain>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<DeliveryDrain>());
        services.AddSingleton<ConfirmationBatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<ConfirmationBatcher>());
        if (configuration.GetValue($"{FileProcessingOptions.Section}:WatchInbox", true))
            services.AddHostedService<InboxWatcher>();
        return services;
    }

    private static void AddCheckedOptions<T>(this IServiceCollection services, IConfiguration configuration, string section, Func<T, IEnumerable<string>> check)
        where T : class
    {
        services.AddOptions<T>().Bind(configuration.GetSection(section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<T>>(new OptionsChecks<T>(check));
    }
}
