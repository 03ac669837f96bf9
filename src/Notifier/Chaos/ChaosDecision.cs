namespace Alerts.Notifier.Chaos;

/// <summary>What chaos does to one webhook request, in the order they are tried.</summary>
public enum ChaosAction
{
    /// <summary>Go on to the normal path, after <see cref="ChaosDecision.Delay"/>.</summary>
    Proceed,
    /// <summary>Answer <see cref="ChaosDecision.Status"/>: the outage in Status mode.</summary>
    OutageStatus,
    /// <summary>Abort the connection: the outage in Refuse mode.</summary>
    OutageRefuse,
    /// <summary>Answer <see cref="ChaosDecision.Status"/> with <see cref="ChaosDecision.Location"/>.</summary>
    Redirect,
    /// <summary>Never answer; wait for the client to give up.</summary>
    Hang,
    /// <summary>Abort the connection without an answer.</summary>
    Reset,
    /// <summary>Answer 429 with <see cref="ChaosDecision.RetryAfter"/> (none when empty).</summary>
    Throttle,
}

/// <summary>
/// One request's fate. <see cref="BodyBytes"/> travels with it so that the answer is padded by the
/// profile the request was decided under, even if <c>POST /chaos</c> replaces it meanwhile.
/// </summary>
public sealed record ChaosDecision(
    ChaosAction Action, TimeSpan Delay = default, int Status = 0, string? Location = null, string RetryAfter = "", long BodyBytes = 0);
