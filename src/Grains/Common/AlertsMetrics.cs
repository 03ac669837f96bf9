using System.Diagnostics.Metrics;

namespace Alerts.Grains.Common;

/// <summary>The silo's own counters (meter <c>Alerts</c>), beside Orleans' built-in ones.</summary>
public static class AlertsMetrics
{
    public const string MeterName = "Alerts";
    private static readonly Meter Meter = new(MeterName);

    /// <summary>Records read from files for the first time (a resume never reads a record twice here).</summary>
    public static readonly Counter<long> RowsRead = Meter.CreateCounter<long>("alerts.file.rows_read");

    /// <summary>Records read again to re-dispatch unconfirmed alerts after a crash or a lost confirmation.</summary>
    public static readonly Counter<long> RowsReread = Meter.CreateCounter<long>("alerts.file.rows_reread");

    /// <summary>
    /// Requests to the webhook, tagged <c>outcome</c> (delivered, throttled, retry, deadletter, endpoint_down): what the
    /// retry policy made of the answer; endpoint_down is a failure while the circuit was open, which costs no attempt.
    /// </summary>
    public static readonly Counter<long> WebhookRequests = Meter.CreateCounter<long>("alerts.webhook.requests");

    /// <summary>
    /// Alerts sent again whose earlier request may have reached the receiver: an attempt was journaled as in flight
    /// and its silo died before recording the answer. They go with the same <c>Idempotency-Key</c>.
    /// </summary>
    public static readonly Counter<long> UncertainResends = Meter.CreateCounter<long>("alerts.delivery.uncertain");

    /// <summary>Group commits of delivery records (each one Redis round trip per file in the group).</summary>
    public static readonly Counter<long> RecordCommits = Meter.CreateCounter<long>("alerts.records.commits");

    /// <summary>Permits this silo leased from the cluster-wide rate limiter.</summary>
    public static readonly Counter<long> PermitsLeased = Meter.CreateCounter<long>("alerts.ratelimit.permits_leased");

    /// <summary>Leased permits that expired unused: nothing was waiting to send when they came due.</summary>
    public static readonly Counter<long> PermitsUnused = Meter.CreateCounter<long>("alerts.ratelimit.permits_unused");

    /// <summary>Pauses of all sending this silo took because the rate limiter said so (a 429's Retry-After).</summary>
    public static readonly Counter<long> Pauses = Meter.CreateCounter<long>("alerts.ratelimit.pauses");

    /// <summary>Users' grains this silo holds in memory; idle ones are let go after <c>Alerts:Webhook:IdleUserAfter</c>.</summary>
    public static ObservableGauge<int> ObserveActiveUsers(Func<int> count) => Meter.CreateObservableGauge("alerts.users.active", count);

    /// <summary>
    /// Alerts this silo's users hold and have not settled: queued, in flight, or backing off until a set time. It
    /// grows when the receiver or the budget is slower than the files; summed over silos it is the delivery backlog.
    /// </summary>
    public static ObservableGauge<int> ObserveBacklog(Func<int> count) => Meter.CreateObservableGauge("alerts.delivery.backlog", count);

    /// <summary>The cluster-wide send rate (permits a second) the rate limiter grants now, as this silo last heard: the budget, or less after 429s.</summary>
    public static ObservableGauge<double> ObserveClusterRate(Func<double> rate) => Meter.CreateObservableGauge("alerts.ratelimit.rate", rate);

    /// <summary>1 while this silo last heard that the webhook's circuit is open (the endpoint failing as a whole), else 0.</summary>
    public static ObservableGauge<int> ObserveCircuit(Func<bool> open) =>
        Meter.CreateObservableGauge("alerts.webhook.circuit_open", () => open() ? 1 : 0);

    private static int _limiters;

    /// <summary>Rate limiter grains active on this silo (one per webhook URL in the cluster): which silo holds the limiter.</summary>
    public static readonly ObservableGauge<int> Limiters = Meter.CreateObservableGauge("alerts.ratelimit.limiters_here", () => Volatile.Read(ref _limiters));

    public static void LimiterActivated() => Interlocked.Increment(ref _limiters);

    public static void LimiterDeactivated() => Interlocked.Decrement(ref _limiters);

    /// <summary>Silos active in the membership table, as this silo last read it (twice a second).</summary>
    public static ObservableGauge<int> ObserveActiveSilos(Func<int> count) => Meter.CreateObservableGauge("alerts.cluster.active_silos", count);

    /// <summary>Active silos that other silos have voted dead lately: suspected, not yet declared dead (from the membership table).</summary>
    public static ObservableGauge<int> ObserveSuspectedSilos(Func<int> count) => Meter.CreateObservableGauge("alerts.cluster.suspected_silos", count);

    /// <summary>1 while this silo sends nothing because it cannot confirm it is still a member (cut off, or declared dead), else 0.</summary>
    public static ObservableGauge<int> ObserveFenced(Func<bool> fenced) =>
        Meter.CreateObservableGauge("alerts.cluster.fenced", () => fenced() ? 1 : 0);

    /// <summary>1 while this silo sends on its last granted share because the rate limiter does not answer, else 0.</summary>
    public static ObservableGauge<int> ObserveLimiterFallback(Func<bool> on) =>
        Meter.CreateObservableGauge("alerts.ratelimit.fallback", () => on() ? 1 : 0);
}
