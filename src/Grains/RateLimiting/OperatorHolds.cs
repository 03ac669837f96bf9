using Alerts.Grains.Interfaces.Model;

namespace Alerts.Grains.RateLimiting;

/// <summary>
/// What an operator said, as this silo last heard it (at once from the limiter, or with a lease): all delivery paused;
/// files paused or waiting for their time, cancelled, or urgent. Only newer news counts: a lease answered before a
/// change may be read after the change was told. Thread-safe: the lease loop hears, every attempt reads.
/// </summary>
public sealed class OperatorHolds
{
    private readonly Lock _lock = new();
    private long _version;
    private volatile bool _allPaused;
    private volatile FileHolds _files = FileHolds.None; // replaced whole, never changed in place
    private TaskCompletionSource _filesChanged = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _waiting;

    public bool AllPaused => _allPaused;

    /// <summary>Whether none of the file's alerts may be sent now: paused, waiting for its time, or cancelled.</summary>
    public bool IsHeld(string fileId) => _files.IsHeld(fileId);

    public bool IsCancelled(string fileId) => _files.Cancelled.Contains(fileId);

    public bool IsUrgent(string fileId) => _files.Urgent.Contains(fileId);

    /// <summary>Whether alerts wait for a file to be resumed: the silo keeps leasing while they do, to hear of it.</summary>
    public bool AnyWaiting => Volatile.Read(ref _waiting) > 0;

    /// <summary>Takes the news unless older than what was heard; returns whether all delivery was paused or resumed by it.</summary>
    public bool Hear(DeliveryHolds holds)
    {
        lock (_lock)
        {
            if (holds.Version == 0 || holds.Version < _version) return false;
            _version = holds.Version;
            if (!_files.Same(holds))
            {
                _files = FileHolds.Of(holds);
                Interlocked.Exchange(ref _filesChanged, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).SetResult();
            }
            if (holds.All == _allPaused) return false;
            _allPaused = holds.All;
            return true;
        }
    }

    /// <summary>
    /// Waits while the file is held and not cancelled (at once when it is not held); <paramref name="firstWaiting"/> is
    /// called when the first waiter starts.
    /// </summary>
    public async ValueTask WhileHeldAsync(string fileId, Action firstWaiting, CancellationToken cancellationToken = default)
    {
        if (!IsHeld(fileId) || IsCancelled(fileId)) return;
        if (Interlocked.Increment(ref _waiting) == 1) firstWaiting();
        try
        {
            while (true)
            {
                var changed = Volatile.Read(ref _filesChanged).Task; // read before the check: no change is missed
                if (!IsHeld(fileId) || IsCancelled(fileId)) return;
                await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }
    }

    /// <summary>The files as sets, looked up for every attempt.</summary>
    private sealed class FileHolds
    {
        public static readonly FileHolds None = new([], [], []);

        private FileHolds(HashSet<string> paused, HashSet<string> cancelled, HashSet<string> urgent) =>
            (Paused, Cancelled, Urgent) = (paused, cancelled, urgent);

        public HashSet<string> Paused { get; }
        public HashSet<string> Cancelled { get; }
        public HashSet<string> Urgent { get; }

        public bool IsHeld(string fileId) => (Paused.Count > 0 && Paused.Contains(fileId)) || (Cancelled.Count > 0 && Cancelled.Contains(fileId));

        public static FileHolds Of(DeliveryHolds holds) =>
            holds.Files.Count + holds.Cancelled.Count + holds.Urgent.Count == 0 ? None : new([.. holds.Files], [.. holds.Cancelled], [.. holds.Urgent]);

        public bool Same(DeliveryHolds holds) => Paused.SetEquals(holds.Files) && Cancelled.SetEquals(holds.Cancelled) && Urgent.SetEquals(holds.Urgent);
    }
}
