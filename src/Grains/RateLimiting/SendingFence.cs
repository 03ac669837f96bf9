using Alerts.Grains.Common;
using Alerts.Grains.Records;
using Microsoft.Extensions.Logging;

namespace Alerts.Grains.RateLimiting;

/// <summary>
/// Whether this silo may send now: not while it cannot confirm it is still a member of the cluster
/// (<see cref="SiloLiveness"/>), nor while its records store hangs. What it sent then could be sent again by another
/// silo. Logged once each way, so an operator sees when and why a silo stopped sending, and when it went on.
/// </summary>
public sealed partial class SendingFence(SiloLiveness liveness, DeliveryRecords records, ILogger<SendingFence> log)
{
    /// <summary>A records commit waiting this long means Redis is out of reach (normally a few milliseconds).</summary>
    public static readonly TimeSpan RecordsHangLimit = TimeSpan.FromMilliseconds(100);

    private volatile bool _fenced;

    /// <summary>Whether the silo was fenced when the lease loop last looked: it then asks for no permits.</summary>
    public bool Fenced => _fenced;

    public bool MaySend => Reason() is null;

    /// <summary>Looks again, logging a change; returns whether the silo is fenced now.</summary>
    public bool Check(int sentLastSecond)
    {
        var reason = Reason();
        if ((reason is not null) != _fenced)
        {
            if (reason is not null) LogFenced(reason, sentLastSecond);
            else LogUnfenced();
        }
        return _fenced = reason is not null;
    }

    private string? Reason() =>
        !liveness.Confirmed ? "this silo cannot confirm it is still a member of the cluster (cut off, or declared dead)"
        : records.Hanging(RecordsHangLimit) ? $"its delivery records store has not answered for over {RecordsHangLimit.TotalMilliseconds:N0} ms"
        : null;

    [LoggerMessage(LogLevel.Warning, "Sending paused: {Reason} ({Sent} requests in the last second)")]
    private partial void LogFenced(string reason, int sent);
    [LoggerMessage(LogLevel.Warning, "Sending resumed")]
    private partial void LogUnfenced();
}
