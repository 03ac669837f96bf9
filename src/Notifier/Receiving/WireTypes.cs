using System.Text.Json;
using System.Text.Json.Serialization;
using Alerts.Notifier.Chaos;

namespace Alerts.Notifier.Receiving;

/// <summary>The webhook's request body.</summary>
public sealed record WebhookRequest(string? UserId, string? AlertMessage);

public sealed record SuccessBody(string Data);

public sealed record ErrorBody(string Error);

/// <summary>
/// Counters served at <c>GET /stats</c>. Throttled counts the rate limiter's 429s and chaos ones; Outage counts
/// requests answered or aborted in an outage and, in Refuse mode, connections closed as they came.
/// </summary>
public sealed record StatsSnapshot(
    long Received, long Written, long Duplicates, long Throttled, long Failed, long Rejected, long Unauthorized,
    long Redirected, long Hung, long Reset, long Outage);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true)]
[JsonSerializable(typeof(WebhookRequest))]
[JsonSerializable(typeof(SuccessBody))]
[JsonSerializable(typeof(ErrorBody))]
[JsonSerializable(typeof(StatsSnapshot))]
[JsonSerializable(typeof(ChaosOptions))]
internal sealed partial class NotifierJsonContext : JsonSerializerContext;
