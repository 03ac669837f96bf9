using System.Globalization;
using System.Text.Json;
using Alerts.Bench.Runs;

namespace Alerts.Bench.Reporting;

/// <summary>One bench run's figures: what is printed, written as JSON and drawn.</summary>
public sealed record BenchReport(DateTimeOffset At, int Cores, BenchOptions Options, EndToEndResult EndToEnd, BaselineResult Baseline)
{
    /// <summary>Delivered per second over the run ÷ the configured budget; null without a budget.</summary>
    public double? Utilisation => Options.Rate > 0 ? EndToEnd.AlertsPerSecond / Options.Rate : null;

    /// <summary>Delivered per second over the run ÷ the receiver's limit; null without a limit.</summary>
    public double? ReceiverUtilisation => Options.ReceiverRate > 0 ? EndToEnd.AlertsPerSecond / Options.ReceiverRate : null;

    /// <summary>Seconds until the delivered rate first held at 90 % of what caps it (budget or receiver) for three seconds.</summary>
    public int? SecondsTo90Percent
    {
        get
        {
            var cap = Math.Min(Options.SenderBudget, Options.ReceiverLimit);
            if (cap >= BenchOptions.Unlimited) return null;
            var series = EndToEnd.PerSecond;
            for (var s = 0; s + 3 <= series.Length; s++)
                if (series.Skip(s).Take(3).Average() >= 0.9 * cap) return s;
            return null;
        }
    }

    public double ThrottledShare => EndToEnd.Requests == 0 ? 0 : (double)EndToEnd.Throttled / EndToEnd.Requests;

    public double BaselineRatio => EndToEnd.AlertsPerSecond / Baseline.RequestsPerSecond;

    public string Table()
    {
        string Rate(double r) => r >= BenchOptions.Unlimited ? "none" : $"{r:N0}/s";
        string Percent(double? f) => f is { } v ? $"{v:P1}" : "n/a";
        var memory = string.Join(", ", EndToEnd.PeakMemoryMiB.Select(m => $"{m.Key} {m.Value:N0}"));
        var rows = new (string Metric, string EndToEnd, string Baseline)[]
        {
            ("alerts/s", $"{EndToEnd.AlertsPerSecond:N0}", $"{Baseline.RequestsPerSecond:N0}"),
            ("delivered", $"{EndToEnd.Delivered:N0} of {Options.Rows:N0} ({EndToEnd.OutputRows:N0} output rows)", $"{Baseline.Ok:N0}"),
            ("seconds", $"{EndToEnd.Seconds:N1}", $"{Baseline.Seconds:N1}"),
            ("429s", $"{EndToEnd.Throttled:N0} of {EndToEnd.Requests:N0} requests ({ThrottledShare:P2})", $"{Baseline.Throttled:N0}"),
            ("latency p50 / p99", $"{EndToEnd.P50LatencyMs / 1000:N2} s / {EndToEnd.P99LatencyMs / 1000:N2} s (file seen → delivered)", $"{Baseline.P50Ms:N2} ms / {Baseline.P99Ms:N2} ms (request)"),
            ("utilisation of budget", Percent(Utilisation), ""),
            ("utilisation of receiver", Percent(ReceiverUtilisation), ""),
            ("permits leased / unused", $"{EndToEnd.Permits.Leased:N0} / {EndToEnd.Permits.Unused:N0}", ""),
            ("seconds to 90 % of cap", SecondsTo90Percent?.ToString(CultureInfo.InvariantCulture) ?? "n/a", ""),
            ("peak memory (MiB)", memory, $"notifier {Baseline.NotifierPeakMiB:N0}"),
            ("peak file or segment state", $"{EndToEnd.PeakFileStateBytes:N0} bytes", ""),
            ("end to end ÷ baseline", $"{BaselineRatio:N2}", ""),
            ("CPU µs per alert", string.Join(", ", EndToEnd.Cost.CpuMicroseconds.Select(c => $"{c.Key} {c.Value:N0}")), ""),
            ("methods the silos compiled during the file", $"{EndToEnd.MethodsCompiled:N0}", ""),
            ("Orleans messages sent per alert", $"{EndToEnd.Traffic.Messages:N2} ({EndToEnd.Traffic.Bytes:N0} bytes): {EndToEnd.Traffic.Requests:N2} requests, {EndToEnd.Traffic.OneWay:N2} one-way, {EndToEnd.Traffic.Responses:N2} responses; {EndToEnd.Traffic.Directory:N2} directory requests", ""),
            ("Redis per alert", $"{EndToEnd.Cost.RedisCommands:N2} commands, {EndToEnd.Cost.RedisBytesIn:N0} bytes sent, {EndToEnd.Cost.RedisMicroseconds:N1} µs in Redis ({string.Join(", ", EndToEnd.Cost.RedisCommandsByName.Take(4).Select(c => $"{c.Key} {c.Value:N2}"))})", ""),
        };
        var width = rows.Max(r => r.Metric.Length);
        var middle = rows.Max(r => r.EndToEnd.Length);
        var header = $"{Options.Rows:N0} rows, {Options.Users:N0} users, {Options.Silos} silo(s), budget {Rate(Options.SenderBudget)}, receiver {Rate(Options.ReceiverLimit)}, {Cores} cores";
        var lines = rows.Select(r => $"| {r.Metric.PadRight(width)} | {r.EndToEnd.PadRight(middle)} | {r.Baseline} |");
        return string.Join('\n', [header, $"| {"".PadRight(width)} | {"end to end".PadRight(middle)} | plain baseline |", .. lines]);
    }

    public string Json() => JsonSerializer.Serialize(this, new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true });
}
