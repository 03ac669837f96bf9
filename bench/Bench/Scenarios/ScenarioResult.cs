namespace Alerts.Bench.Scenarios;

/// <summary>One scenario's target, what was measured against it, and whether it was met.</summary>
public sealed record ScenarioResult(string Name, string Target, string Measured, bool Met);
