using System.Text;
using Alerts.Faults;
using Alerts.Tests.Support;
using Xunit.Abstractions;

namespace Alerts.Tests.Integration;

/// <summary>
/// A silo that stops answering without dying, in a cluster of three silo processes on real Redis: frozen with SIGSTOP,
/// or cut off from Redis, the other silos and the gateway by iptables (the webhook still reachable from it). The silo
/// chosen holds the rate limiter, so every other silo's leases wait on it. Each test has a cluster of its own.
/// </summary>
public abstract class SiloFaultTests(SiloFaultTests.ThreeSilos cluster, ITestOutputHelper output)
{
    public sealed class ThreeSilos : RedisClusterFixture
    {
        public const int Budget = 300;
        protected override int Silos => 3;
        protected override bool SilosInCgroups => true;
        protected override IReadOnlyDictionary<string, string> SiloSettings { get; } =
            new Dictionary<string, string> { ["Alerts__Webhook__PermitsPerSecond"] = $"{Budget}" };
    }

    private const int Rows = 15_000; // 50 s at the budget
    private const int MostRepeats = 50; // what a silo lost mid-request may send twice: its requests in flight and its last commit's
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(90); // a loaded two-core machine runs five processes here
    private static readonly TimeSpan LimiterBackWithin = TimeSpan.FromSeconds(12); // a lease request a second, on a loaded machine

    protected ThreeSilos Cluster => cluster;

    /// <summary>Freezes or cuts off the silo, and returns what ends the fault.</summary>
    protected abstract IDisposable Begin(HostProcess silo, int index);

    protected async Task OneSiloStopsAnsweringMidFileAsync()
    {
        var content = new StringBuilder("userId,alertMessage\n");
        for (var i = 0; i < Rows; i++) content.Append($"fault-{i % 2_000},alert {i}\n");
        var fileId = InboxFiles.Drop(cluster.Inbox, "fault.csv", content.ToString());
        await Eventually.Until(async () => (await cluster.Notifier.StatsAsync()).Written, n => n >= Rows / 6, $"a sixth delivered\n{cluster.Logs()}", Long);
        var index = await LimiterSiloAsync();
        var silo = cluster.Silo(index);

        var atFault = (await cluster.Notifier.StatsAsync()).Written;
        var faultStarted = DateTime.UtcNow;
        using (Begin(silo, index))
        {
            // The others go on (on the limiter's last shares, then on its new activation), and declare the silo dead.
            await Eventually.Until(async () => (await cluster.Notifier.StatsAsync()).Written, n => n >= atFault + 5 * ThreeSilos.Budget,
                $"five seconds' worth delivered by the other two while the fault lasts\n{cluster.Logs()}", Long);
            output.WriteLine($"five seconds' worth delivered {(DateTime.UtcNow - faultStarted).TotalSeconds:N1} s into the fault");
            var others = Enumerable.Range(1, 3).Where(n => n != index).ToList();
            await Eventually.Until(() => cluster.SiloGaugesAsync("alerts_cluster_active_silos", others), seen => seen.All(n => n == 2),
                $"the silo evicted, as the others read the membership table\n{cluster.Logs()}", Long);
            output.WriteLine($"evicted {(DateTime.UtcNow - faultStarted).TotalSeconds:N1} s into the fault");
            await Eventually.Until(() => cluster.ActiveSilosAsync(silo), n => n == 2, $"the gateway sees two silos\n{cluster.Logs()}", Long);
            output.WriteLine($"the gateway sees two silos {(DateTime.UtcNow - faultStarted).TotalSeconds:N1} s into the fault");
            // Its grains live again on the others at once, while it is still out: the limiter, which every silo's
            // sending waits on, first. (Orleans' directory would hold its ranges closed for a lease of half a minute.)
            await Eventually.Until(() => cluster.SiloGaugesAsync("alerts_ratelimit_limiters_here", others), seen => seen.Sum() == 1,
                $"the limiter active again on one of the others, the silo still out\n{cluster.Logs()}", LimiterBackWithin);
            output.WriteLine($"the limiter back {(DateTime.UtcNow - faultStarted).TotalSeconds:N1} s into the fault");
        }

        // Declared dead, it finds out as soon as it reads the table again, sends nothing more and stops.
        await Eventually.Until(() => silo.HasExited, $"the silo stopped once it could learn it was declared dead\n{silo.Tail()}", Long);
        var file = (await cluster.CompletedAsync(fileId))!.Value;
        var delivered = file.GetProperty("delivered").GetInt64();
        Assert.True(delivered == Rows, $"{delivered} delivered of {Rows}\n{cluster.LogLinesWith("Segment ", "File ")}");
        Assert.Equal(Rows, cluster.Notifier.ReadRows().Distinct().Count());
        var repeats = (await cluster.Notifier.StatsAsync()).Duplicates;
        output.WriteLine($"{repeats} alerts sent twice");
        Assert.True(repeats <= MostRepeats, $"{repeats} alerts sent twice\n{cluster.Logs()}");
    }

    private async Task<int> LimiterSiloAsync()
    {
        var here = await Eventually.Until(() => cluster.SiloCountersAsync("alerts_ratelimit_limiters_here"), c => c.Sum() == 1, "one silo reports the rate limiter");
        return here.IndexOf(1) + 1;
    }
}

public sealed class FrozenSiloTests(SiloFaultTests.ThreeSilos cluster, ITestOutputHelper output)
    : SiloFaultTests(cluster, output), IClassFixture<SiloFaultTests.ThreeSilos>
{
    [Fact]
    public Task A_frozen_silo_is_evicted_the_others_go_on_and_once_thawed_it_sends_nothing_twice() => OneSiloStopsAnsweringMidFileAsync();

    protected override IDisposable Begin(HostProcess silo, int index) => ProcessFreeze.Of(silo.Id);
}

public sealed class CutOffSiloTests(SiloFaultTests.ThreeSilos cluster, ITestOutputHelper output)
    : SiloFaultTests(cluster, output), IClassFixture<SiloFaultTests.ThreeSilos>
{
    [PartitionFact]
    public Task A_silo_cut_off_from_the_cluster_is_evicted_the_others_go_on_and_once_healed_it_sends_nothing_twice() => OneSiloStopsAnsweringMidFileAsync();

    protected override IDisposable Begin(HostProcess silo, int index)
    {
        var ports = Cluster.SiloPorts[index - 1];
        var cgroup = Cluster.Cgroup(index) ?? throw new InvalidOperationException("the silo did not start in a cgroup of its own");
        return NetworkPartition.CutOff(cgroup, stillReaches: [Cluster.NotifierPort], listensOn: [ports.Silo, ports.Gateway]);
    }

    /// <summary>Runs where a partition can be made (root, iptables with the cgroup match, cgroup v2); says why not elsewhere.</summary>
    private sealed class PartitionFactAttribute : FactAttribute
    {
        public PartitionFactAttribute()
        {
            if (NetworkPartition.WhyUnavailable() is { } why) Skip = $"no network partition here: {why}";
        }
    }
}
