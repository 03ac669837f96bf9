namespace Alerts.Grains.Interfaces.Model;

/// <summary>Where one segment of a file stands. Values match the <see cref="FileStatus"/> a segment once stored.</summary>
[GenerateSerializer, Alias("alerts.SegmentStatus")]
public enum SegmentStatus
{
    /// <summary>Planned, not started yet.</summary>
    Unstarted = 0,
    Reading = 1,
    /// <summary>Read to its end; alerts not yet confirmed.</summary>
    Delivering = 2,
    Completed = 3,
    /// <summary>Its file is gone or unreadable.</summary>
    Failed = 4,
}
