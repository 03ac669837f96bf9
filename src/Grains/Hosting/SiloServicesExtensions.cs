using Alerts.Grains.Common;
using Alerts.Grains.Delivery;
using Alerts.Grains.Inbox;
using Alerts.Grains.Notifications;
using Alerts.Grains.Placement;
using Alerts.Grains.RateLimiting;
using Alerts.Grains.Records;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using StackExchange.Redis;

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
        services.AddCheckedOptions<RecordOptions>(configuration, RecordOptions.Section, o => o.Validate());
        services.AddOptions<GrainCollectionOptions>().Configure<IOptions<WebhookOptions>>((collection, webhook) =>
        {
            // Users are many and come back rarely: an idle one is let go within minutes, not Orleans' default 2 hours.
            var idle = webhook.Value.IdleUserAfter;
            collection.ClassSpecificCollectionAge[typeof(NotificationGrain).FullName!] = idle;
            if (collection.CollectionQuantum >= idle) collection.CollectionQuantum = idle / 2;
        });
        services.Configure<GrainDirectoryOptions>(directory =>
        {
            // Orleans caches up to a million grain addresses per silo, and a burst of users fills it with addresses of
            // grains long gone, held as live heap. Calls to another silo's grains (files, segments, relays; users only
            // while membership changes) need far fewer.
            directory.CacheSize = 20_000;
            // Orleans' directory is partitioned on the ring users are homed by, so a user placed at home registers, is
            // found and is let go on its own silo. On any other ring, half the users new to a silo would be looked up
            // and registered on another one: most of the messages between silos.
            directory.PartitionsPerSilo = HomeRing.PartitionsPerSilo;
            directory.GetPartitionBoundaries = HomeRing.Boundaries;
            // Orleans holds a crashed silo's directory ranges closed for a lease, lest it is still running: a frozen
            // limiter's grain could then live nowhere, and every silo stopped sending. A silo declared dead stops itself
            // (SiloLiveness) and its sends are fenced by their records, so its grains may live again at once.
            directory.RangeLeaseDuration = TimeSpan.Zero;
        });
        services.TryAddSingleton(TimeProvider.System);
        services.AddHostedService(sp => new SettingsProblems(configuration, sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<SettingsProblems>>()));

        services.AddHttpClient(WebhookSender.ClientName) // WebhookSender sets each request's deadline, error sample included
            .RemoveAllLoggers() // a log scope and two log calls per request; WebhookSender's outcomes are logged and counted
            .ConfigurePrimaryHttpMessageHandler(sp => new SocketsHttpHandler
            {
                MaxConnectionsPerServer = sp.GetRequiredService<IOptions<WebhookOptions>>().Value.MaxConnections,
                PooledConnectionLifetime = TimeSpan.FromMinutes(2),
                AllowAutoRedirect = false, // a redirect would carry the alert, signature and key to another host
            });
        services.AddSingleton<WebhookSigner>();
        services.AddSingleton<WebhookSender>();
        services.AddSingleton<SiloLiveness>();
        services.AddHostedService(sp => sp.GetRequiredService<SiloLiveness>());
        services.AddSingleton<WebhookRecovery>();
        services.AddSingleton<LimiterFallback>();
        services.AddSingleton<SendingFence>();
        services.AddSingleton<PermitLeases>();
        services.AddHostedService(sp => sp.GetRequiredService<PermitLeases>());
        services.TryAddSingleton<IWebhookPermits>(sp => sp.GetRequiredService<PermitLeases>());
        services.AddSingleton<AlertDeliverer>();
        services.AddDeliveryRecords(configuration);
        services.AddSingleton<ClusterChanges>();
        services.AddHostedService(sp => sp.GetRequiredService<ClusterChanges>());
        services.AddSingleton<DeliveryDrain>();
        services.AddSingleton<OutcomeWriter>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<DeliveryDrain>());
        services.AddSingleton<ConfirmationBatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<ConfirmationBatcher>());
        if (configuration.GetValue($"{FileProcessingOptions.Section}:WatchInbox", true))
            services.AddHostedService<InboxWatcher>();
        services.AddSingleton<UserHomes>();
        services.AddHostedService(sp => sp.GetRequiredService<UserHomes>());
        services.AddPlacementDirector<HomePlacement, HomePlacementDirector>();
        services.AddPlacementDirector<SiloPlacement, SiloPlacementDirector>();
        services.AddSingleton<UserDispatcher>();
        services.AddSingleton<ActiveUsers>();
        services.AddSingleton<SeenOnceRelease>();
        services.AddHostedService(sp => sp.GetRequiredService<SeenOnceRelease>());
        services.AddHostedService<MemoryGiveBack>();
        services.AddHostedService<ArchiveSweeper>();
        return services;
    }

    /// <summary>Delivery records in Redis when <c>ConnectionStrings:Redis</c> is set, else in memory (a development silo, TestCluster).</summary>
    private static void AddDeliveryRecords(this IServiceCollection services, IConfiguration configuration)
    {
        if (configuration.GetConnectionString("Redis") is not { Length: > 0 } redis)
        {
            services.TryAddSingleton<DeliveryRecords, MemoryDeliveryRecords>();
            return;
        }
        services.TryAddSingleton<DeliveryRecords>(sp =>
        {
            var options = ConfigurationOptions.Parse(redis);
            options.AbortOnConnectFail = false; // Redis may start after the silo, or restart: keep reconnecting
            return ActivatorUtilities.CreateInstance<RedisDeliveryRecords>(sp, ConnectionMultiplexer.ConnectAsync(options));
        });
    }

    private static void AddCheckedOptions<T>(this IServiceCollection services, IConfiguration configuration, string section, Func<T, IEnumerable<string>> check)
        where T : class
    {
        services.AddOptions<T>().Bind(configuration.GetSection(section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<T>>(new OptionsChecks<T>(check));
    }
}
