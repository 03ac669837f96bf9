using System.Text.Json.Serialization;
using Alerts.Grains.Interfaces.Model;

namespace Alerts.Gateway.Endpoints;

/// <summary>
/// The body of <c>PATCH /files/{id}</c>: <c>notBefore</c> (ISO 8601 with an offset; null sends from now) and
/// <c>priority</c> (<c>high</c> or <c>normal</c>). A field left out is left as it is.
/// </summary>
public sealed record FileChange
{
    /// <summary>Nothing of the file is sent before this time; null sends from now.</summary>
    public DateTimeOffset? NotBefore
    {
        get;
        init
        {
            field = value;
            SetsNotBefore = true;
        }
    }

    /// <summary>Whether the body named <see cref="NotBefore"/>, null included.</summary>
    [JsonIgnore]
    public bool SetsNotBefore { get; private init; }

    public FilePriority? Priority { get; init; }

    public string? Problem(DateTimeOffset now) =>
        Priority is null && !SetsNotBefore ? "give notBefore (ISO 8601, or null for now) or priority (high or normal)"
        : Priority is { } priority && !Enum.IsDefined(priority) ? "priority is high or normal"
        : Schedules.Problem(NotBefore, now);
}

/// <summary>How far ahead a file may be scheduled: a reminder, held by the cluster, brings it back at its time.</summary>
public static class Schedules
{
    public static readonly TimeSpan Furthest = TimeSpan.FromDays(30);

    public static string? Problem(DateTimeOffset? notBefore, DateTimeOffset now) =>
        notBefore > now + Furthest ? $"notBefore is at most {Furthest.TotalDays:N0} days ahead" : null;
}
