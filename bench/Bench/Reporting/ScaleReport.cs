using System.Text.Json;
using Alerts.Bench.Runs;

namespace Alerts.Bench.Reporting;

/// <summary>One silo against N on the same machine: throughput and CPU per alert, run by run and as medians.</summary>
public sealed record ScaleReport(DateTimeOffset At, int Cores, BenchOptions Options, ScaleResult Result)
{
    /// <summary>N silos ÷ one silo, per run (each pair ran back to back).</summary>
    public double[] Ratios => [.. Result.ManySilos.Zip(Result.OneSilo, (many, one) => many.AlertsPerSecond / one.AlertsPerSecond)];

    public double MedianRatio => Percentiles.Median(Ratios);

    /// <summary>N silos ÷ the receiver's capacity from a plain client, per run.</summary>
    public double[] ShareOfReceiver => [.. Result.ManySilos.Zip(Result.Receiver, (many, receiver) => many.AlertsPerSecond / receiver.RequestsPerSecond)];

    public string Table()
    {
        var rows = new List<(string Metric, string One, string Many, string Ratio)>();
        for (var run = 0; run < Ratios.Length; run++)
            rows.Add(($"run {run + 1}: alerts/s", $"{Result.OneSilo[run].AlertsPerSecond:N0}", $"{Result.ManySilos[run].AlertsPerSecond:N0}", $"{Ratios[run]:N2}"));
        rows.Add(("median alerts/s", $"{Median(Result.OneSilo, r => r.AlertsPerSecond):N0}", $"{Median(Result.ManySilos, r => r.AlertsPerSecond):N0}", $"{MedianRatio:N2}"));
        rows.Add(("median silo CPU µs per alert", $"{Median(Result.OneSilo, SiloCpu):N0}", $"{Median(Result.ManySilos, SiloCpu):N0}", ""));
        rows.Add(("median methods the silos compiled during the file", $"{Median(Result.OneSilo, r => r.MethodsCompiled):N0}", $"{Median(Result.ManySilos, r => r.MethodsCompiled):N0}", ""));
        rows.Add(("median Orleans messages sent per alert (bytes)", Traffic(Result.OneSilo), Traffic(Result.ManySilos), ""));
        rows.Add(("median CPU µs per alert, all processes", $"{Median(Result.OneSilo, AllCpu):N0}", $"{Median(Result.ManySilos, AllCpu):N0}", ""));
        rows.Add(("CPU µs per alert by process, last run", ByProcess(Result.OneSilo[^1]), ByProcess(Result.ManySilos[^1]), ""));
        rows.Add(("median receiver capacity (plain client), requests/s", "", $"{Percentiles.Median(Result.Receiver.Select(r => r.RequestsPerSecond)):N0}", ""));
        rows.Add(("median share of the receiver's capacity", "", $"{Percentiles.Median(ShareOfReceiver):N2}", ""));
        var width = rows.Max(r => r.Metric.Length);
        var pinned = Options.Cores is { } layout ? $", each silo pinned to {layout.CoresPerSilo} core(s), the rest on cores {layout.Rest}" : "";
        var header = $"{Options.Rows:N0} rows in {Options.Files} file(s), {Options.Users:N0} users, one silo vs {Options.Silos}, {Options.Runs} run(s), {Cores} cores{pinned}";
        return string.Join('\n', [header, $"| {"".PadRight(width)} | 1 silo | {Options.Silos} silos | {Options.Silos} ÷ 1 |",
            .. rows.Select(r => $"| {r.Metric.PadRight(width)} | {r.One} | {r.Many} | {r.Ratio} |")]);
    }

    public string Json() => JsonSerializer.Serialize(this, new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true });

    private static double SiloCpu(EndToEndResult run) => run.Cost.CpuMicroseconds.Where(c => c.Key.StartsWith("silo-", StringComparison.Ordinal)).Sum(c => c.Value);

    private static string ByProcess(EndToEndResult run) => string.Join(", ", run.Cost.CpuMicroseconds.Select(c => $"{c.Key} {c.Value:N0}"));

    private static double AllCpu(EndToEndResult run) => run.Cost.CpuMicroseconds.Values.Sum();

    private static string Traffic(IReadOnlyList<EndToEndResult> runs) =>
        $"{Median(runs, r => r.Traffic.Messages):N2} ({Median(runs, r => r.Traffic.Bytes):N0}): {Median(runs, r => r.Traffic.Requests):N2} requests, {Median(runs, r => r.Traffic.OneWay):N2} one-way, {Median(runs, r => r.Traffic.Responses):N2} responses; {Median(runs, r => r.Traffic.Directory):N2} directory requests";

    private static double Median(IEnumerable<EndToEndResult> runs, Func<EndToEndResult, double> figure) => Percentiles.Median(runs.Select(figure));
}
