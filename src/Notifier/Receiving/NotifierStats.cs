namespace Alerts.Notifier.Receiving;

/// <summary>Thread-safe request counters.</summary>
public sealed class NotifierStats
{
    private long _received, _written, _duplicates, _throttled, _failed, _rejected, _unauthorized;
    private long _redirected, _hung, _reset, _outage;

    public void Received() => Interlocked.Increment(ref _received);
    public void Written(int rows) => Interlocked.Add(ref _written, rows);
    public void Duplicate() => Interlocked.Increment(ref _duplicates);
    public void Throttled() => Interlocked.Increment(ref _throttled);
    public void Failed() => Interlocked.Increment(ref _failed);
    public void Rejected() => Interlocked.Increment(ref _rejected);
    public void Unauthorized() => Interlocked.Increment(ref _unauthorized);
    public void Redirected() => Interlocked.Increment(ref _redirected);
    public void Hung() => Interlocked.Increment(ref _hung);
    public void Reset() => Interlocked.Increment(ref _reset);
    public void Outage() => Interlocked.Increment(ref _outage);

    public StatsSnapshot Snapshot() => new(
        Interlocked.Read(ref _received), Interlocked.Read(ref _written), Interlocked.Read(ref _duplicates),
        Interlocked.Read(ref _throttled), Interlocked.Read(ref _failed), Interlocked.Read(ref _rejected),
        Interlocked.Read(ref _unauthorized), Interlocked.Read(ref _redirected), Interlocked.Read(ref _hung),
        Interlocked.Read(ref _reset), Interlocked.Read(ref _outage));
}
