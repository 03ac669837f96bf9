using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Alerts.Faults;
using Alerts.Tests.Support;
using CsvHelper;

namespace Alerts.Tests.Integration;

/// <summary>
/// The real thing on one machine: redis-server, two silo processes and the gateway process in a
/// Redis-backed cluster, delivering to the real notifier over HTTP.
/// </summary>
public class RedisClusterFixture : IAsyncLifetime
{
    private readonly TempFolder _folder = new();
    private readonly List<HostProcess> _processes = [];
    private readonly List<ProcessCgroup> _cgroups = [];
    private readonly string _clusterId = "it-" + Guid.NewGuid().ToString("n")[..8];
    private RedisServer _redis = null!;

    public const int MaxUploadBytes = 256 * 1024;
    /// <summary>Silos sign with it and the notifier checks it, so every test here proves signing end to end.</summary>
    public const string Secret = "whsec_" + "c2lnbmluZy1zZWNyZXQtZm9yLXRlc3Rz";
    private readonly int _notifierPort = FreePort.Next();

    public NotifierHost Notifier { get; private set; } = null!;
    public int NotifierPort => _notifierPort;
    /// <summary>Each silo's Prometheus port, silo 1 first.</summary>
    public List<int> SiloMetricsPorts { get; } = [];
    /// <summary>Each silo's own ports (silo-to-silo and gateway), silo 1 first.</summary>
    public List<(int Silo, int Gateway)> SiloPorts { get; } = [];

    /// <summary>Silo processes the fixture starts (two unless a subclass says otherwise).</summary>
    protected virtual int Silos => 2;

    /// <summary>Whether each silo starts in a cgroup of its own (where one can be made), so that a test can cut it off.</summary>
    protected virtual bool SilosInCgroups => false;

    /// <summary>Silo <paramref name="n"/>'s cgroup (from 1), when it started in one.</summary>
    public ProcessCgroup? Cgroup(int n) => _cgroups.FirstOrDefault(c => c.Name.StartsWith($"alerts-silo{n}-", StringComparison.Ordinal));
    public HttpClient Gateway { get; private set; } = null!;
    public string DataRoot => _folder.Combine("data");
    public string RedisConnectionString => _redis.ConnectionString;
    public string Inbox => Path.Combine(DataRoot, "inbox");

    public async Task InitializeAsync()
    {
        if (SilosInCgroups) NetworkPartition.RemoveLeftovers();
        _redis = await RedisServer.StartAsync(_folder.Combine("redis"));
        await RestartNotifierAsync();
        for (var n = 1; n <= Silos; n++) StartSilo(n);
        var gatewayPort = FreePort.Next();
        StartGateway("gateway", $"http://127.0.0.1:{gatewayPort}", ApiKeys);
        Gateway = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{gatewayPort}") };
        Gateway.DefaultRequestHeaders.Add("X-Api-Key", ApiKeys.Split(',')[0]);
        await Eventually.Until(() => ActiveSilosAsync(), n => n == Silos, $"{Silos} silos active behind the gateway\n{Logs()}", TimeSpan.FromSeconds(90));
    }

    /// <summary>The gateway's API keys; <see cref="Gateway"/> sends the first.</summary>
    public const string ApiKeys = "test-key-one, test-key-two";

    /// <summary>Starts a gateway process on <paramref name="urls"/>, with these API keys (none: empty); its log is NAME.log.</summary>
    public HostProcess StartGateway(string name, string urls, string apiKeys)
    {
        var environment = new Dictionary<string, string>(ClusterEnvironment())
        {
            ["Alerts__DataRoot"] = DataRoot,
            ["Alerts__MaxUploadBytes"] = $"{MaxUploadBytes}",
            ["Alerts__UploadIdleTimeout"] = "00:00:02",
            ["Gateway__ApiKey"] = apiKeys,
        };
        var gateway = HostProcess.Start("Gateway", _folder.Combine($"{name}.log"), environment, "--urls", urls);
        _processes.Add(gateway);
        return gateway;
    }

    /// <summary>Replaces the notifier with one on the same port and output, with these settings beside the defaults.</summary>
    public async Task RestartNotifierAsync(params string[] settings)
    {
        if (Notifier is not null) await Notifier.DisposeAsync();
        Notifier = await NotifierHost.StartAsync(_folder.Combine("output"), _notifierPort,
            ["--Notifier:PermitsPerSecond=100000", $"--Alerts:Webhook:Secret={Secret}", .. settings]);
    }

    public async Task<JsonElement?> FileAsync(string fileId)
    {
        var response = await Gateway.GetAsync($"/files/{fileId}");
        return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<JsonElement>() : null;
    }

    public Task<JsonElement?> CompletedAsync(string fileId) =>
        Eventually.Until(() => FileAsync(fileId), f => f?.GetProperty("status").GetString() == "Completed",
            $"file {fileId} completed\n{Logs()}", TimeSpan.FromSeconds(120));

    /// <summary>The file's report from the gateway, parsed as CSV (header first).</summary>
    public async Task<List<string[]>> ReportAsync(string fileId)
    {
        using var response = await Gateway.GetAsync($"/files/{fileId}/report");
        response.EnsureSuccessStatusCode();
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        using var csv = new CsvParser(new StreamReader(await response.Content.ReadAsStreamAsync()), CultureInfo.InvariantCulture);
        var rows = new List<string[]>();
        while (await csv.ReadAsync()) rows.Add(csv.Record!);
        return rows;
    }

    /// <summary>Kills the silo holding the file at once, like <c>kill -9</c>.</summary>
    public void KillSiloOf(string fileId) =>
        _processes.Single(p => Path.GetFileName(p.LogPath).StartsWith("silo-") && p.Tail(int.MaxValue).Contains($"File {fileId} discovered")).Kill();

    /// <summary>Stops the silo that holds <paramref name="fileId"/> (or the other one) gracefully, with SIGTERM, and waits until it has exited.</summary>
    public Task StopSiloAsync(string fileId, bool holdingIt) =>
        _processes.Single(p => Path.GetFileName(p.LogPath).StartsWith("silo-") && p.Tail(int.MaxValue).Contains($"File {fileId} discovered") == holdingIt)
            .TerminateAsync(TimeSpan.FromSeconds(60));

    /// <summary>Kills silo <paramref name="n"/> (1 or 2) at once, like <c>kill -9</c>.</summary>
    public void KillSilo(int n) => Silo(n).Kill();

    /// <summary>Silo <paramref name="n"/>'s process (from 1).</summary>
    public HostProcess Silo(int n) => _processes.Single(p => Path.GetFileName(p.LogPath) == $"silo-{n}.log");

    /// <summary>
    /// A counter from each silo still answering: the value of the first sample named <paramref name="name"/> whose
    /// labels contain <paramref name="label"/>, or 0 where there is none; with <paramref name="metrics"/>, each silo's whole page.
    /// </summary>
    public async Task<List<long>> SiloCountersAsync(string name, string? label = null, List<string>? metrics = null)
    {
        using var http = new HttpClient();
        var counts = new List<long>();
        foreach (var port in SiloMetricsPorts)
        {
            string text;
            try
            {
                text = await http.GetStringAsync($"http://localhost:{port}/metrics");
            }
            catch (HttpRequestException)
            {
                continue; // a silo this test stopped
            }
            metrics?.Add(text);
            counts.Add((long)(Sample(text, name, label) ?? 0));
        }
        return counts;
    }

    /// <summary>The value of the first sample of <paramref name="name"/> (with <paramref name="label"/>, if given) in a Prometheus page; null when none.</summary>
    public static double? Sample(string page, string name, string? label = null) =>
        page.Split('\n').FirstOrDefault(l => (l.StartsWith(name + "{", StringComparison.Ordinal) || l.StartsWith(name + " ", StringComparison.Ordinal)) && (label is null || l.Contains(label)))
            is { } line ? SampleValue(line) : null;

    /// <summary>The value of one Prometheus sample line: what follows its last space.</summary>
    public static double SampleValue(string line) => double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);

    /// <summary>A gauge from each of <paramref name="silos"/> (numbered from 1); -1 where a silo does not answer within 2 s.</summary>
    public async Task<List<long>> SiloGaugesAsync(string name, IEnumerable<int> silos)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var values = new List<long>();
        foreach (var n in silos)
        {
            try
            {
                values.Add((long)(Sample(await http.GetStringAsync($"http://localhost:{SiloMetricsPorts[n - 1]}/metrics"), name) ?? -1));
            }
            catch (Exception error) when (error is HttpRequestException or TaskCanceledException)
            {
                values.Add(-1);
            }
        }
        return values;
    }

    /// <summary>Every line of every process's whole log that holds one of <paramref name="words"/>, named by its log.</summary>
    public string LogLinesWith(params string[] words) => string.Join("\n", _processes.SelectMany(p =>
        p.LogLines().Where(line => words.Any(w => line.Contains(w, StringComparison.Ordinal))).Select(line => $"{Path.GetFileName(p.LogPath)}: {line}")));

    public string Logs() => string.Join("\n", _processes.Select(p => $"--- {Path.GetFileName(p.LogPath)}\n{p.Tail()}"));

    /// <summary>Settings a subclass adds to every silo's environment.</summary>
    protected virtual IReadOnlyDictionary<string, string> SiloSettings { get; } = new Dictionary<string, string>();

    private void StartSilo(int n)
    {
        SiloMetricsPorts.Add(FreePort.Next());
        SiloPorts.Add((FreePort.Next(), FreePort.Next()));
        var environment = new Dictionary<string, string>(ClusterEnvironment())
        {
            ["Alerts__MetricsPort"] = $"{SiloMetricsPorts[^1]}",
            ["Orleans__SiloPort"] = $"{SiloPorts[^1].Silo}",
            ["Orleans__GatewayPort"] = $"{SiloPorts[^1].Gateway}",
            ["Alerts__DataRoot"] = DataRoot,
            ["Alerts__Webhook__Url"] = Notifier.WebhookUrl,
            ["Alerts__Webhook__PermitsPerSecond"] = "3000",
            ["Alerts__Webhook__Secret"] = Secret,
            ["Alerts__Webhook__InitialBackoff"] = "00:00:00.500",
            ["Alerts__Webhook__MaxBackoff"] = "00:00:02",
            ["Alerts__Webhook__MaxAttempts"] = "100", // outages in these tests are long; nothing should die of them
            ["Alerts__Webhook__MaxRetryAfter"] = "00:00:03", // an absurd Retry-After costs a test seconds, not minutes
            ["Alerts__Files__QuietPeriod"] = "00:00:00.500",
            ["Alerts__Files__ScanInterval"] = "00:00:00.200",
            // Small segments: a file of a few thousand rows runs as several segments, over both silos.
            ["Alerts__Files__SegmentRows"] = "1000",
            ["Alerts__Files__ParallelSegments"] = "3",
        };
        foreach (var (key, value) in SiloSettings) environment[key] = value;
        var cgroup = SilosInCgroups ? ProcessCgroup.TryCreate($"silo{n}") : null;
        if (cgroup is not null) _cgroups.Add(cgroup);
        _processes.Add(HostProcess.Start("Silo", _folder.Combine($"silo-{n}.log"), environment, cgroup));
    }

    private Dictionary<string, string> ClusterEnvironment() => new()
    {
        ["ConnectionStrings__Redis"] = _redis.ConnectionString,
        ["Orleans__ClusterId"] = _clusterId,
        ["Orleans__ServiceId"] = _clusterId,
        ["Logging__LogLevel__Default"] = "Warning",
        ["Logging__LogLevel__Alerts.Grains.Files.FileGrain"] = "Information", // tells which silo holds a file
        ["DOTNET_gcServer"] = "0", // two silos and a gateway share two cores with the test
        // Evict a killed silo in about a second instead of about ten.
        ["Orleans__Membership__ProbeTimeout"] = "00:00:01",
        ["Orleans__Membership__NumMissedProbesLimit"] = "2",
        ["Orleans__Membership__TableRefreshTimeout"] = "00:00:02",
        ["Orleans__Membership__IAmAliveTablePublishTimeout"] = "00:00:05",
    };

    /// <summary>Silos the gateway sees active; throws once a host has exited, unless <paramref name="mayHaveExited"/> is it.</summary>
    public async Task<int> ActiveSilosAsync(HostProcess? mayHaveExited = null)
    {
        if (_processes.Any(p => p.HasExited && p != mayHaveExited)) throw new InvalidOperationException($"a host exited\n{Logs()}");
        try
        {
            var health = await Gateway.GetFromJsonAsync<JsonElement>("/health");
            return health.GetProperty("silos").GetInt32();
        }
        catch (HttpRequestException)
        {
            return 0;
        }
    }

    public async Task DisposeAsync()
    {
        Gateway?.Dispose();
        foreach (var process in _processes) await process.DisposeAsync();
        foreach (var cgroup in _cgroups) cgroup.Dispose();
        await Notifier.DisposeAsync();
        await _redis.DisposeAsync();
        _folder.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class RedisClusterCollection : ICollectionFixture<RedisClusterFixture>
{
    public const string Name = "redis cluster";
}
