using System.Text.Json;
using System.Text.Json.Serialization;

namespace Alerts.Notifier.Receiving;

/// <summary>The webhook's request body.</summary>
public sealed record WebhookRequest(string? UserId, string? AlertMessage);

public sealed record SuccessBody(string Data);

public sealed record ErrorBody(string Error);

/// <summary>Counters served at <c>GET /stats</c>.</summary>
public sealed record StatsSnapshot(long Received, long Written, long Duplicates, long Throttled, long Failed, long Rejected, long Unauthorized);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(WebhookRequest))]
[JsonSerializable(typeof(SuccessBody))]
[JsonSerializable(typeof(ErrorBody))]
[JsonSerializable(typeof(StatsSnapshot))]
internal sealed partial class NotifierJsonContext : JsonSerializerContext;
