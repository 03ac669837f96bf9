using System.Net.Http.Json;
using System.Text.Json;
using Alerts.Faults;

namespace Alerts.Bench.Processes;

/// <summary>A fresh Redis, notifier, N silos and a gateway on loopback, in a scratch folder.</summary>
public sealed class BenchCluster : IAsyncDisposable
{
    private readonly List<BenchProcess> _processes = [];
    private readonly List<Func<string, BenchProcess>> _siloStarts = []; // each silo's start, given its log's name
    private readonly List<BenchProcess> _retired = []; // silos killed and started again: their logs close at the end
    private readonly List<ProcessCgroup?> _cgroups = [];
    private Dictionary<string, string> _siloEnvironment = [];
    private CoreLayout? _cores; // each silo's cores when pinned

    private BenchCluster(string work) => Work = work;

    public string Work { get; }
    public string DataRoot => Path.Combine(Work, "data");
    public string Inbox => Path.Combine(DataRoot, "inbox");
    public string OutputDir => Path.Combine(Work, "output");
    public int RedisPort { get; private set; }
    public HttpClient Gateway { get; private set; } = null!;
    public HttpClient Notifier { get; private set; } = null!;
    public IReadOnlyList<BenchProcess> Processes => _processes;
    /// <summary>Each silo's Prometheus port.</summary>
    public List<int> SiloMetricsPorts { get; } = [];
    /// <summary>Each silo's own ports: silo-to-silo and the gateway's.</summary>
    public List<(int Silo, int Gateway)> SiloPorts { get; } = [];
    public int NotifierPort { get; private set; }

    /// <summary>Silo <paramref name="index"/>'s cgroup (from 0), where one could be made (root, cgroup v2).</summary>
    public ProcessCgroup? SiloCgroup(int index) => _cgroups[index];

    /// <summary>Set when the run went well: only then is the scratch folder, logs included, deleted.</summary>
    public bool Succeeded { get; set; }

    public static async Task<BenchCluster> StartAsync(BenchOptions options)
    {
        var cluster = new BenchCluster(Directory.CreateTempSubdirectory("alerts-bench-").FullName);
        try
        {
            await cluster.StartProcessesAsync(options);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>A notifier alone, for the baseline.</summary>
    public static BenchProcess StartNotifier(string work, int port, double receiverLimit, string? cores = null) =>
        BenchProcess.StartHost("Notifier", "notifier", Path.Combine(work, "notifier.log"),
            ["--urls", $"http://127.0.0.1:{port}", $"--Notifier:OutputDir={Path.Combine(work, "output")}",
             $"--Notifier:PermitsPerSecond={receiverLimit}", "--Logging:LogLevel:Default=Warning"], cores: cores);

    private async Task StartProcessesAsync(BenchOptions options)
    {
        RedisPort = FreePort();
        _processes.Add(BenchProcess.Start("redis", Path.Combine(Work, "redis.log"), "redis-server",
            ["--port", $"{RedisPort}", "--bind", "127.0.0.1", "--dir", Work, "--appendonly", "yes", "--save", ""], cores: options.Cores?.Rest));
        var notifierPort = NotifierPort = FreePort();
        _processes.Add(StartNotifier(Work, notifierPort, options.ReceiverLimit, options.Cores?.Rest));
        Notifier = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{notifierPort}") };
        var cluster = new Dictionary<string, string>
        {
            ["ConnectionStrings__Redis"] = $"127.0.0.1:{RedisPort}",
            ["Orleans__ClusterId"] = "bench",
            ["Alerts__DataRoot"] = DataRoot,
            ["Logging__LogLevel__Default"] = "Warning",
        };
        _siloEnvironment = new Dictionary<string, string>(cluster)
        {
            ["Alerts__Webhook__Url"] = $"http://127.0.0.1:{notifierPort}/webhook",
            ["Alerts__Webhook__PermitsPerSecond"] = $"{options.SenderBudget}",
        };
        // As scripts/silo.sh starts them: a GC heap per two cores of the host, since the silos share it. Pinned, each
        // silo's cores are its own and the runtime takes a heap per core.
        if (options.Cores is null && Environment.GetEnvironmentVariable("DOTNET_GCHeapCount") is null)
            _siloEnvironment["DOTNET_GCHeapCount"] = $"{Math.Max(1, Environment.ProcessorCount / 2):x}";
        _cores = options.Cores;
        for (var n = 1; n <= options.Silos; n++) StartSilo(n);
        var gatewayPort = FreePort();
        _processes.Add(BenchProcess.StartHost("Gateway", "gateway", Path.Combine(Work, "gateway.log"), ["--urls", $"http://127.0.0.1:{gatewayPort}"], cluster, options.Cores?.Rest));
        Gateway = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{gatewayPort}") };
        await WaitForSilosAsync(options.Silos);
    }

    private void StartSilo(int n)
    {
        SiloMetricsPorts.Add(FreePort());
        SiloPorts.Add((FreePort(), FreePort()));
        _cgroups.Add(ProcessCgroup.TryCreate($"bench-silo{n}"));
        var environment = new Dictionary<string, string>(_siloEnvironment)
        {
            ["Orleans__SiloPort"] = $"{SiloPorts[^1].Silo}",
            ["Alerts__MetricsPort"] = $"{SiloMetricsPorts[^1]}",
            ["Orleans__GatewayPort"] = $"{SiloPorts[^1].Gateway}",
        };
        var (cores, cgroup) = (_cores?.Silo(n), _cgroups[^1]);
        _siloStarts.Add(log => BenchProcess.StartHost("Silo", $"silo-{n}", Path.Combine(Work, log), [], environment, cores, cgroup));
        _processes.Add(_siloStarts[^1]($"silo-{n}.log"));
    }

    /// <summary>Starts one more silo, and returns once the gateway counts it among the cluster's.</summary>
    public Task AddSiloAsync()
    {
        StartSilo(_siloStarts.Count + 1);
        return WaitForSilosAsync(_siloStarts.Count);
    }

    private async Task WaitForSilosAsync(int silos)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
        while (true)
        {
            if (_processes.FirstOrDefault(p => p.HasExited) is { } dead) throw new InvalidOperationException($"{dead.Name} exited; logs in {Work}");
            try
            {
                var health = await Gateway.GetFromJsonAsync<JsonElement>("/health");
                if (health.GetProperty("silos").GetInt32() == silos) return;
            }
            catch (HttpRequestException)
            {
            }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"the cluster did not come up; logs in {Work}");
            await Task.Delay(500);
        }
    }

    /// <summary>Kills every silo at once (<c>kill -9</c>), then starts each again on its own ports (logs <c>silo-N-restart-K.log</c>).</summary>
    public void RestartSilos()
    {
        var restart = _retired.Count / _siloStarts.Count + 1;
        var silos = _processes.Where(p => p.Name.StartsWith("silo-", StringComparison.Ordinal)).ToList();
        foreach (var silo in silos) silo.Kill();
        _processes.RemoveAll(silos.Contains);
        _retired.AddRange(silos);
        for (var n = 1; n <= _siloStarts.Count; n++) _processes.Add(_siloStarts[n - 1]($"silo-{n}-restart-{restart}.log"));
    }

    /// <summary>A counter summed over every silo's <c>/metrics</c>, 0 where a silo has none yet.</summary>
    public async Task<long> SiloCounterAsync(string series)
    {
        long sum = 0;
        for (var silo = 0; silo < SiloMetricsPorts.Count; silo++) sum += (long)await SiloValueAsync(silo, series);
        return sum;
    }

    /// <summary>Every sample on every silo's <c>/metrics</c>: its series (name and labels, as written there) and value.</summary>
    public async Task<List<(string Series, double Value)>> SiloSamplesAsync()
    {
        using var http = new HttpClient();
        var samples = new List<(string, double)>();
        foreach (var port in SiloMetricsPorts)
            foreach (var line in (await http.GetStringAsync($"http://localhost:{port}/metrics")).Split('\n'))
            {
                var valueAt = line.LastIndexOf(' ');
                if (valueAt > 0 && !line.StartsWith('#'))
                    samples.Add((line[..valueAt], double.Parse(line[(valueAt + 1)..], System.Globalization.CultureInfo.InvariantCulture)));
            }
        return samples;
    }

    /// <summary>A series summed over its labels on one silo's <c>/metrics</c> (its index from 0), 0 where it has none yet.</summary>
    public async Task<double> SiloValueAsync(int silo, string series)
    {
        using var http = new HttpClient();
        double sum = 0;
        foreach (var line in (await http.GetStringAsync($"http://localhost:{SiloMetricsPorts[silo]}/metrics")).Split('\n'))
            if (line.StartsWith(series, StringComparison.Ordinal) && line.Length > series.Length && line[series.Length] is '{' or ' ')
                sum += double.Parse(line[(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        return sum;
    }

    public static int FreePort() => Alerts.Tests.Support.FreePort.Next();

    public async ValueTask DisposeAsync()
    {
        Gateway?.Dispose();
        Notifier?.Dispose();
        foreach (var process in Enumerable.Reverse(_processes).Concat(_retired)) await process.DisposeAsync();
        foreach (var cgroup in _cgroups) cgroup?.Dispose();
        if (!Succeeded || Environment.GetEnvironmentVariable("BENCH_KEEP") == "1")
        {
            Console.WriteLine($"  logs kept in {Work}");
            return;
        }
        try { Directory.Delete(Work, recursive: true); } catch (IOException) { }
    }
}
