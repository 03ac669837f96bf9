using Alerts.Grains.Hosting;
using Alerts.Grains.Interfaces.Model;

namespace Alerts.Grains.RateLimiting;

/// <summary>
/// The webhook's circuit breaker, apart from any grain so that it can be tested on a fake clock. Closed, it
/// counts transient failures in a row across the cluster; at <see cref="CircuitOptions.CircuitFailures"/> it
/// opens: leases carry no permits (alerts wait without spending attempts) but, now and then, one permit to
/// one silo as a probe. An answer to the probe closes it and delivery resumes at the budget; a failure
/// doubles the wait before the next probe, up to a cap.
/// </summary>
public sealed class WebhookCircuit(CircuitOptions options)
{
    private static readonly TimeSpan ShortestPause = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan LongestPause = TimeSpan.FromMilliseconds(500); // silos ask again soon, to see it close
    private int _failuresInARow;
    private TimeSpan _probeInterval = options.CircuitProbeInterval;
    private DateTimeOffset _nextProbeAt;
    private string? _prober;
    private DateTimeOffset _probeGrantedAt;

    public bool IsOpen { get; private set; }

    /// <summary>How many times it has opened.</summary>
    public int Opens { get; private set; }

    public void Observe(LeaseRequest request, DateTimeOffset now)
    {
        var answered = request.Answered - request.Failed; // any answer but a transient failure: the receiver is there
        if (!IsOpen)
        {
            // A report with any answer in it resets the count: the receiver is up, whatever else failed.
            _failuresInARow = answered > 0 ? 0 : _failuresInARow + request.Failed;
            if (_failuresInARow >= options.CircuitFailures) Open(now);
            return;
        }
        if (request.SiloId != _prober) return; // other silos' failures are from before it opened
        if (answered > 0) Close();
        else if (request.Failed > 0) ProbeFailed(now);
    }

    /// <summary>While open, what a silo gets instead of a lease: the probe's one permit, or a short pause. Null while closed.</summary>
    public LeaseGrant? Lease(LeaseRequest request, TimeSpan leasePeriod, DateTimeOffset now)
    {
        if (!IsOpen) return null;
        if (_prober is not null && now - _probeGrantedAt > options.CircuitProbeTimeout) _prober = null;
        if (_prober is null && now >= _nextProbeAt)
        {
            _prober = request.SiloId;
            _probeGrantedAt = now;
            return new LeaseGrant(1, leasePeriod, TimeSpan.Zero, EndpointDown: true);
        }
        var untilProbe = _prober is null ? _nextProbeAt - now : LongestPause;
        return new LeaseGrant(0, leasePeriod, Clamp(untilProbe), EndpointDown: true);
    }

    private void Open(DateTimeOffset now)
    {
        IsOpen = true;
        Opens++;
        _probeInterval = options.CircuitProbeInterval;
        _nextProbeAt = now + _probeInterval;
        _prober = null;
    }

    private void ProbeFailed(DateTimeOffset now)
    {
        _prober = null;
        _probeInterval = _probeInterval * 2 > options.CircuitMaxProbeInterval ? options.CircuitMaxProbeInterval : _probeInterval * 2;
        _nextProbeAt = now + _probeInterval;
    }

    private void Close()
    {
        IsOpen = false;
        _prober = null;
        _failuresInARow = 0;
    }

    private static TimeSpan Clamp(TimeSpan pause) => pause < ShortestPause ? ShortestPause : pause > LongestPause ? LongestPause : pause;
}
