using System.Text.Json;
using Alerts.Bench.Scenarios;

namespace Alerts.Bench.Reporting;

/// <summary>The misbehaving-receiver scenarios: each target, what was measured, met or missed.</summary>
public sealed record ScenarioReport(DateTimeOffset At, int Cores, BenchOptions Options, IReadOnlyList<ScenarioResult> Results)
{
    public string Table() => string.Join('\n', [
        $"scenarios (each names its silos and budget where they differ), {Options.Silos} silo(s), budget {ReceiverScenarios.Budget(Options):N0}/s, {Cores} cores",
        "| scenario | target | measured | |",
        "|---|---|---|---|",
        .. Results.Select(r => $"| {r.Name} | {r.Target} | {r.Measured} | {(r.Met ? "met" : "MISSED")} |")]);

    public string Json() => JsonSerializer.Serialize(this, new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true });
}
