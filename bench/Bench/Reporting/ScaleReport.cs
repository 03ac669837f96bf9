using System.Text.Json;
using Alerts.Bench.Runs;

namespace Alerts.Bench.Reporting;

/// <summary>One silo against N on the same machine: throughput and CPU per alert, run by run and as medians.</summary>
public sealed record ScaleReport(DateTimeOffset At, int Cores, BenchOptions Options, ScaleResult Result)
{
    /// <summary>N silos ÷ one silo, per run (each pair ran back to back).</summary>
    public double[] Ratios => [.. Result.ManySilos.Zip(Result.OneSilo, (many, one) => many.AlertsPerSecond / one.AlertsPerSecond)];

    public double MedianRatio => Percentiles.Median(Ratios);

    public string Table()
    {
        var rows = new List<(string Metric, string One, string Many, string Ratio)>();
        for (var run = 0; run < Ratios.Length; run++)
            rows.Add(($"run {run + 1}: alerts/s", $"{Result.OneSilo[run].AlertsPerSecond:N0}", $"{Result.ManySilos[run].AlertsPerSecond:N0}", $"{Ratios[run]:N2}"));
        rows.Add(("median alerts/s", $"{Median(Result.OneSilo, r => r.AlertsPerSecond):N0}", $"{Median(Result.ManySilos, r => r.AlertsPerSecond):N0}", $"{MedianRatio:N2}"));
        rows.Add(("median silo CPU µs per alert", $"{Median(Result.OneSilo, SiloCpu):N0}", $"{Median(Result.ManySilos, SiloCpu):N0}", ""));
        rows.Add(("median CPU µs per alert, all processes", $"{Median(Result.OneSilo, AllCpu):N0}", $"{Median(Result.ManySilos, AllCpu):N0}", ""));
        var width = rows.Max(r => r.Metric.Length);
        var header = $"{Options.Rows:N0} rows, {Options.Users:N0} users, one silo vs {Options.Silos}, {Options.Runs} run(s), {Cores} cores";
        return string.Join('\n', [header, $"| {"".PadRight(width)} | 1 silo | {Options.Silos} silos | {Options.Silos} ÷ 1 |",
            .. rows.Select(r => $"| {r.Metric.PadRight(width)} | {r.One} | {r.Many} | {r.Ratio} |")]);
    }

    public string Json() => JsonSerializer.Serialize(this, new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true });

    private static double SiloCpu(EndToEndResult run) => run.Cost.CpuMicroseconds.Where(c => c.Key.StartsWith("silo-", StringComparison.Ordinal)).Sum(c => c.Value);

    private static double AllCpu(EndToEndResult run) => run.Cost.CpuMicroseconds.Values.Sum();

    private static double Median(IEnumerable<EndToEndResult> runs, Func<EndToEndResult, double> figure) => Percentiles.Median(runs.Select(figure));
}
