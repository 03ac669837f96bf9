using System.Globalization;
using Alerts.Bench.Processes;

namespace Alerts.Bench.Runs;

/// <summary>What one alert costs, end to end: CPU per process, and Redis commands, bytes sent to it and server time.</summary>
public sealed record AlertCost(IReadOnlyDictionary<string, double> CpuMicroseconds, double RedisCommands, double RedisBytesIn, double RedisMicroseconds, IReadOnlyDictionary<string, double> RedisCommandsByName);

/// <summary>
/// Measures the cost of a run from the outside: CPU time of each process (/proc) and Redis's own
/// command statistics, read before and after, divided by the alerts delivered.
/// </summary>
public static class CostMeter
{
    public sealed record Reading(Dictionary<string, double> CpuSeconds, Dictionary<string, (long Calls, long Micros)> Redis, long RedisBytesIn);

    public static Reading Read(BenchCluster cluster) => new(
        cluster.Processes.ToDictionary(p => p.Name, p => p.CpuSeconds()),
        RedisCommandStats(cluster.RedisPort),
        RedisBytesIn(cluster.RedisPort));

    public static AlertCost PerAlert(Reading before, Reading after, long alerts)
    {
        var n = Math.Max(1, alerts);
        var cpu = after.CpuSeconds.ToDictionary(p => p.Key, p => Math.Round((p.Value - before.CpuSeconds.GetValueOrDefault(p.Key)) * 1e6 / n, 1));
        var redis = after.Redis.ToDictionary(c => c.Key, c => (Calls: c.Value.Calls - before.Redis.GetValueOrDefault(c.Key).Calls, Micros: c.Value.Micros - before.Redis.GetValueOrDefault(c.Key).Micros));
        return new AlertCost(
            cpu,
            Math.Round(redis.Values.Sum(c => c.Calls) / (double)n, 3),
            Math.Round((after.RedisBytesIn - before.RedisBytesIn) / (double)n, 1),
            Math.Round(redis.Values.Sum(c => c.Micros) / (double)n, 1),
            redis.Where(c => c.Value.Calls > 0).OrderByDescending(c => c.Value.Calls).ToDictionary(c => c.Key, c => Math.Round(c.Value.Calls / (double)n, 3)));
    }

    // The bench's own probes (the file state's size, these statistics): not the system's cost.
    private static readonly HashSet<string> BenchCommands = ["scan", "memory|usage", "memory", "info", "ping", "command", "command|docs"];

    // Every byte clients sent Redis (commands and their arguments): what the system writes, and its lookups' keys.
    private static long RedisBytesIn(int port) =>
        RedisCli.Run(port, "info", "stats").Split('\n').Where(l => l.StartsWith("total_net_input_bytes:"))
            .Select(l => long.Parse(l[(l.IndexOf(':') + 1)..].Trim(), CultureInfo.InvariantCulture)).FirstOrDefault();

    // "cmdstat_evalsha:calls=12,usec=345,..." per command.
    private static Dictionary<string, (long Calls, long Micros)> RedisCommandStats(int port)
    {
        var stats = new Dictionary<string, (long, long)>();
        foreach (var line in RedisCli.Run(port, "info", "commandstats").Split('\n'))
        {
            if (!line.StartsWith("cmdstat_")) continue;
            var name = line[8..line.IndexOf(':')];
            if (BenchCommands.Contains(name)) continue;
            var fields = line[(line.IndexOf(':') + 1)..].Split(',').Select(f => f.Split('=')).ToDictionary(f => f[0], f => f[1].Trim());
            stats[name] = (long.Parse(fields["calls"], CultureInfo.InvariantCulture), long.Parse(fields["usec"], CultureInfo.InvariantCulture));
        }
        return stats;
    }
}
