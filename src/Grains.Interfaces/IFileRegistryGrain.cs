using Alerts.Grains.Interfaces.Model;

namespace Alerts.Grains.Interfaces;

/// <summary>The list of recent files, newest first, for <c>GET /files</c>. One instance (key 0).</summary>
[Alias("alerts.IFileRegistryGrain")]
public interface IFileRegistryGrain : IGrainWithIntegerKey
{
    Task RegisterAsync(FileEntry entry);

    /// <summary>Removes a file from the list (its retention is over).</summary>
    Task ForgetAsync(string fileId);

    /// <summary>The newest <paramref name="limit"/> files.</summary>
    [Orleans.Concurrency.ReadOnly]
    Task<IReadOnlyList<FileEntry>> ListAsync(int limit);
}
