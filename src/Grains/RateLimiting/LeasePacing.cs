namespace Alerts.Grains.RateLimiting;

/// <summary>
/// How one lease's permits go out over its period, apart from the lease loop so that it is tested on a fake clock:
/// evenly, what is left over what is left of the period (an early grant added mid-lease too: no burst), and only as
/// many as there is room for. Room is the attempts waiting plus a slack of an eighth of the lease (for catching up
/// after a stall: a GC pause, a late timer; it adds at most 2.5 % to any second the receiver sees), and no more than
/// <see cref="InFlightLimit"/> lets be out. What is due but has no room is dropped, never carried: piled up, it would
/// go out later as a burst.
/// </summary>
public sealed class LeasePacing(int permits, TimeSpan period)
{
    private int _permits = permits, _released;
    private double _dueExactly;
    private TimeSpan _dueAt;

    /// <summary>Permits in this lease so far, early grants included.</summary>
    public int Permits => _permits;

    /// <summary>The rate this lease spends, permits per second.</summary>
    public double Rate => _permits / period.TotalSeconds;

    /// <summary>Permits neither released nor dropped yet (left when a pause ends the lease early).</summary>
    public int Unreleased => _permits - _released;

    /// <summary>An early grant: its permits go out over what is left of the period.</summary>
    public void Add(int more) => _permits += more;

    /// <summary>Room for permits now: the <paramref name="waiting"/> attempts plus the slack, less those <paramref name="available"/> already, within <paramref name="inFlightRoom"/>.</summary>
    public int Room(int waiting, int available, int inFlightRoom) => Math.Min(waiting + Math.Max(1, _permits / 8), inFlightRoom) - available;

    /// <summary>At <paramref name="elapsed"/> into the period: how many to release now (at most <paramref name="room"/>), and how many are dropped.</summary>
    public (int Release, int Dropped) Due(TimeSpan elapsed, int room)
    {
        _dueExactly = elapsed >= period ? _permits : _dueExactly + (_permits - _dueExactly) * ((elapsed - _dueAt) / (period - _dueAt));
        _dueAt = elapsed;
        var due = (int)_dueExactly - _released;
        var release = Math.Max(0, Math.Min(due, room));
        _released += due;
        return (release, due - release);
    }
}
