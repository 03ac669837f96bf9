using System.Net;
using Alerts.Grains.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Storage;
using StackExchange.Redis;

namespace Alerts.Silo.Hosting;

public static class SiloClusterExtensions
{
    /// <summary>
    /// Redis clustering, grain state and reminders when <c>ConnectionStrings:Redis</c> is set; otherwise a
    /// single-silo development cluster on localhost with in-memory state and reminders.
    /// </summary>
    public static ISiloBuilder UseAlertsCluster(this ISiloBuilder silo, IConfiguration configuration)
    {
        var settings = ClusterSettings.From(configuration);
        silo.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (settings.ClusterId, settings.ServiceId));
        silo.Services.Configure<ClusterMembershipOptions>(o => FailureDetection.ApplyDefaults(o));
        silo.Services.Configure<ClusterMembershipOptions>(configuration.GetSection("Orleans:Membership")); // any of them, by its Orleans name
#pragma warning disable ORLEANSEXP003 // experimental in Orleans 10, and what its TestCluster runs on by default
        // Orleans' distributed directory stays consistent while silos join and leave, and takes its ring from
        // GrainDirectoryOptions, which puts users' directory entries at their home (see AddAlertsGrainServices).
        silo.AddDistributedGrainDirectory();
#pragma warning restore ORLEANSEXP003

        if (!settings.IsDurable)
        {
            silo.UseLocalhostClustering(settings.SiloPort, settings.GatewayPort);
            silo.AddMemoryGrainStorage(StorageNames.Alerts);
            silo.UseInMemoryReminderService();
            return silo;
        }

        var redis = ConfigurationOptions.Parse(settings.Redis!);
        // Without an advertised host the silo stays on loopback, so a cluster is never opened to a network by omission.
        if (AdvertisedAddress.IsAuto(settings.AdvertisedHost))
            silo.ConfigureEndpoints(AdvertisedAddress.OfThisHost(), settings.SiloPort, settings.GatewayPort, listenOnAnyHostAddress: true);
        else if (settings.AdvertisedHost is { } host)
            silo.ConfigureEndpoints(host, settings.SiloPort, settings.GatewayPort, listenOnAnyHostAddress: true);
        else
            silo.ConfigureEndpoints(IPAddress.Loopback, settings.SiloPort, settings.GatewayPort);
        // Each provider keeps a connection of its own: Orleans' grain storage closes and disposes the one it is given
        // when it stops, which would leave membership's last write (this silo leaving) without one.
        silo.UseRedisClustering(o => o.ConfigurationOptions = redis);
        return silo.AddAlertsRedisPersistence(redis);
    }

    /// <summary>Grain state and reminders in Redis.</summary>
    public static ISiloBuilder AddAlertsRedisPersistence(this ISiloBuilder silo, ConfigurationOptions redis)
    {
        // State is stored with the Orleans serializer: it keys members by [Id] and types by [Alias],
        // so renaming a class or assembly does not orphan stored state (the JSON default embeds .NET type names).
        silo.AddRedisGrainStorage(StorageNames.Alerts, options => options.Configure<Serializer>((o, serializer) =>
        {
            o.ConfigurationOptions = redis;
            o.DeleteStateOnClear = true; // a file past its retention leaves no key behind
            o.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer);
        }));
        silo.UseRedisReminderService(o => o.ConfigurationOptions = redis);
        return silo;
    }

    public static void WarnWhenNotDurable(this IHost host, IConfiguration configuration)
    {
        if (ClusterSettings.From(configuration).IsDurable) return;
        host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Alerts.Silo").LogWarning(
            "ConnectionStrings:Redis is not set: DEVELOPMENT MODE. One silo on localhost, grain state and reminders in memory: NOTHING IS DURABLE.");
    }
}
