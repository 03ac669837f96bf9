using Alerts.Grains.Interfaces.Model;

namespace Alerts.Grains.RateLimiting;

/// <summary>What an operator said of files, as a silo looks it up for every attempt: sets, replaced whole on news.</summary>
internal sealed class FileHolds
{
    public static readonly FileHolds None = new([], [], []);

    private FileHolds(HashSet<string> paused, HashSet<string> cancelled, HashSet<string> urgent) =>
        (Paused, Cancelled, Urgent) = (paused, cancelled, urgent);

    public HashSet<string> Paused { get; }
    public HashSet<string> Cancelled { get; }
    public HashSet<string> Urgent { get; }

    /// <summary>Whether none of the file's alerts may be sent now: paused, waiting for its time, or cancelled.</summary>
    public bool IsHeld(string fileId) => (Paused.Count > 0 && Paused.Contains(fileId)) || (Cancelled.Count > 0 && Cancelled.Contains(fileId));

    public static FileHolds Of(DeliveryHolds holds) =>
        holds.Files.Count + holds.Cancelled.Count + holds.Urgent.Count == 0 ? None : new([.. holds.Files], [.. holds.Cancelled], [.. holds.Urgent]);

    public bool Same(DeliveryHolds holds) => Paused.SetEquals(holds.Files) && Cancelled.SetEquals(holds.Cancelled) && Urgent.SetEquals(holds.Urgent);
}
