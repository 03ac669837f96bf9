using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Reflection;
using Alerts.Grains.Hosting;
using Alerts.Notifier.Hosting;
using Alerts.Tests.Support;
using Microsoft.Extensions.Configuration;
using YamlDotNet.Core;
using YamlDotNet.Serialization;

namespace Alerts.Tests.Deployment;

/// <summary>
/// docker-compose.yml, read as compose reads it (anchors and merge keys expanded): the silo scales, every service
/// restarts and is gated on a healthy Redis, and every setting it gives is one the code reads. No Docker engine runs
/// here, so this is what holds the file to account.
/// </summary>
public sealed class ComposeFileTests
{
    private static readonly Dictionary<object, object> Services = Map(Compose()["services"]);

    [Fact]
    public void One_silo_service_scales_with_nothing_fixed_per_replica()
    {
        var silos = Services.Keys.Cast<string>().Where(name => name.StartsWith("silo", StringComparison.Ordinal)).ToList();
        Assert.Equal(["silo"], silos);

        var silo = Service("silo");
        Assert.False(silo.ContainsKey("container_name"), "a fixed container name allows one replica");
        Assert.False(silo.ContainsKey("hostname"), "a fixed host name makes every replica advertise the same one");
        Assert.False(silo.ContainsKey("ports"), "a fixed published port allows one replica per host");
        Assert.Equal("auto", Environment(silo)["Orleans__AdvertisedHost"]);
    }

    [Fact]
    public void Every_service_restarts_unless_stopped()
    {
        foreach (var (name, service) in Services)
            Assert.True(Map(service).TryGetValue("restart", out var policy) && policy is "unless-stopped", $"{name} has no restart: unless-stopped");
    }

    [Fact]
    public void A_silo_is_checked_and_has_time_to_hand_over_its_work_when_stopped()
    {
        var silo = Service("silo");
        Assert.True(Duration((string)silo["stop_grace_period"]) >= TimeSpan.FromSeconds(30), "stop_grace_period under 30 s");
        Assert.Contains(List(Map(silo["healthcheck"])["test"]), part => part.Contains("/health/ready", StringComparison.Ordinal));
        Assert.True(Environment(silo).ContainsKey("Alerts__MetricsPort"), "silo metrics are off");
    }

    [Theory]
    [InlineData("silo")]
    [InlineData("gateway")]
    public void Starts_once_redis_is_healthy(string service)
    {
        var redis = Map(Map(Service(service)["depends_on"])["redis"]);
        Assert.Equal("service_healthy", redis["condition"]);
    }

    [Fact]
    public void Redis_and_the_gateway_have_health_checks()
    {
        Assert.Contains("redis-cli", List(Map(Service("redis")["healthcheck"])["test"]));
        Assert.Contains(List(Map(Service("gateway")["healthcheck"])["test"]), part => part.Contains("/health/ready", StringComparison.Ordinal));
    }

    [Fact]
    public void The_gateway_is_published_on_loopback_and_needs_an_api_key()
    {
        var gateway = Service("gateway");
        Assert.All(List(gateway["ports"]), port => Assert.StartsWith("127.0.0.1:", port));
        Assert.StartsWith("${ALERTS_API_KEY:?", Environment(gateway)["Gateway__ApiKey"]);
    }

    [Fact]
    public void The_data_root_is_one_bind_mount_shared_by_every_alerts_process()
    {
        foreach (var name in new[] { "silo", "gateway", "notifier" })
        {
            var service = Service(name);
            Assert.Contains("./data:/srv/data", List(service["volumes"]));
            if (name != "notifier") Assert.Equal("/srv/data", Environment(service)["Alerts__DataRoot"]);
        }
    }

    [Fact]
    public void Every_setting_given_is_one_the_code_reads()
    {
        var given = Services.Values.SelectMany(service => Environment(Map(service)).Keys).Distinct().ToList();
        Assert.NotEmpty(given);

        // Alerts: the silo's own list of what it reads, the one that warns "… is not a setting" at start.
        var alerts = new ConfigurationBuilder()
            .AddInMemoryCollection(given.Where(key => key.StartsWith("Alerts__", StringComparison.Ordinal))
                .Select(key => KeyValuePair.Create(key.Replace("__", ":", StringComparison.Ordinal), (string?)"x")))
            .Build();
        Assert.Empty(SettingsProblems.Unknown(alerts));

        // The others: the properties of the class each section is read into.
        var gateway = HostProperties("Gateway", "Alerts.Gateway.Access", "AccessOptions");
        var cluster = HostProperties("Silo", "Alerts.Silo.Hosting", "ClusterSettings");
        var unknown = given.Where(key => key.Split("__") switch
        {
            ["Notifier", .. var rest] => !Reads(typeof(NotifierOptions), rest),
            ["Gateway", var name] => !gateway.Contains(name),
            ["Gateway", ..] => true,
            // ClusterSettings holds the silo's Orleans settings (Redis comes from ConnectionStrings); the gateway also
            // reads Orleans:ResponseTimeout and the silo Orleans:Membership:*.
            ["Orleans", "Redis"] => true,
            ["Orleans", "ResponseTimeout" or "Membership", ..] => false,
            ["Orleans", var name] => !cluster.Contains(name),
            ["Orleans", ..] => true,
            _ => false,
        });
        Assert.Empty(unknown);
    }

    /// <summary>Whether <paramref name="path"/> names a settable property of <paramref name="options"/>, nested ones included.</summary>
    private static bool Reads(Type options, string[] path) =>
        path is [var name, .. var rest]
        && options.GetProperty(name, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase) is { CanWrite: true } property
        && (rest.Length == 0 || Reads(property.PropertyType, rest));

    // The hosts are built beside the tests but not referenced by them. Their settings classes' property names are read
    // from the built assemblies' metadata, never loaded: a host assembly loaded into the test process would be taken by
    // Orleans for an application part of every in-process test silo, which then cannot find its Redis packages.
    private static HashSet<string> HostProperties(string project, string ns, string name)
    {
        using var pe = new PEReader(File.OpenRead(RepoPaths.HostDll(project)));
        var metadata = pe.GetMetadataReader();
        var type = metadata.TypeDefinitions.Select(metadata.GetTypeDefinition)
            .Single(t => metadata.GetString(t.Namespace) == ns && metadata.GetString(t.Name) == name);
        return new HashSet<string>(type.GetProperties().Select(p => metadata.GetString(metadata.GetPropertyDefinition(p).Name)), StringComparer.OrdinalIgnoreCase);
    }

    private static Dictionary<string, string> Environment(Dictionary<object, object> service) =>
        service.TryGetValue("environment", out var environment)
            ? Map(environment).ToDictionary(pair => (string)pair.Key, pair => pair.Value as string ?? "")
            : [];

    private static Dictionary<object, object> Service(string name) =>
        Services.TryGetValue(name, out var service) ? Map(service) : throw new Xunit.Sdk.XunitException($"no {name} service");

    private static Dictionary<object, object> Map(object node) => Assert.IsType<Dictionary<object, object>>(node);

    private static List<string> List(object node) => Assert.IsType<List<object>>(node).Cast<string>().ToList();

    /// <summary>A compose duration: <c>60s</c>, <c>1m30s</c>, <c>2m</c>.</summary>
    private static TimeSpan Duration(string text)
    {
        var total = TimeSpan.Zero;
        foreach (System.Text.RegularExpressions.Match part in System.Text.RegularExpressions.Regex.Matches(text, @"(\d+)(h|ms|m|s)"))
        {
            var value = int.Parse(part.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            total += part.Groups[2].Value switch
            {
                "h" => TimeSpan.FromHours(value),
                "m" => TimeSpan.FromMinutes(value),
                "s" => TimeSpan.FromSeconds(value),
                _ => TimeSpan.FromMilliseconds(value),
            };
        }
        return total;
    }

    private static Dictionary<object, object> Compose()
    {
        using var reader = new StreamReader(Path.Combine(RepoPaths.Root, "docker-compose.yml"));
        return new DeserializerBuilder().Build().Deserialize<Dictionary<object, object>>(new MergingParser(new Parser(reader)));
    }
}
