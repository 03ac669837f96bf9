namespace Alerts.Grains.Common;

/// <summary>
/// What this silo knows of its own membership from the reads of the table it made, apart from any loop so that it can
/// be tested on a fake clock: whether it is confirmed a member (its row, not dead, in a read that began at most
/// <see cref="SiloLiveness.Freshness"/> ago), whether it was declared dead (for good), and how many silos are active
/// and suspected. A read counts from when it began: one begun before a freeze confirms nothing after it. Thread-safe.
/// </summary>
public sealed class MembershipConfirmation(SiloAddress self, TimeSpan freshness, TimeSpan voteExpiry, TimeProvider time)
{
    private long _confirmedAt = time.GetTimestamp(); // a new silo was just admitted by the table
    private volatile bool _declaredDead;
    private int _suspected, _active;

    public bool Confirmed => !_declaredDead && time.GetElapsedTime(Interlocked.Read(ref _confirmedAt)) <= freshness;

    public bool DeclaredDead => _declaredDead;

    /// <summary>Active silos that others have voted dead within the vote expiry (suspected, not yet declared dead).</summary>
    public int Suspected => Volatile.Read(ref _suspected);

    /// <summary>Silos active in the table as last read.</summary>
    public int Active => Volatile.Read(ref _active);

    /// <summary>Takes in a read of the table that began at <paramref name="startedAt"/> (a timestamp of the clock); true when it says this silo is dead.</summary>
    public bool Observe(IReadOnlyCollection<MembershipEntry> members, long startedAt)
    {
        var now = time.GetUtcNow().UtcDateTime;
        Volatile.Write(ref _active, members.Count(m => m.Status == SiloStatus.Active));
        Volatile.Write(ref _suspected, members.Count(m => m.Status == SiloStatus.Active && m.SuspectTimes?.Any(vote => now - vote.Item2 <= voteExpiry) == true));
        if (members.FirstOrDefault(m => m.SiloAddress.Equals(self)) is not { } mine) return false; // not in the table yet (joining)
        if (mine.Status == SiloStatus.Dead) return _declaredDead = true;
        if (!_declaredDead) Interlocked.Exchange(ref _confirmedAt, Math.Max(startedAt, Interlocked.Read(ref _confirmedAt)));
        return false;
    }
}
