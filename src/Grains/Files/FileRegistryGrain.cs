using Alerts.Grains.Hosting;
using Alerts.Grains.Interfaces;
using Alerts.Grains.Interfaces.Model;

namespace Alerts.Grains.Files;

/// <summary>Remembers the newest files (capped), so users can list them without knowing their ids.</summary>
public sealed class FileRegistryGrain(
    [PersistentState("registry", StorageNames.Alerts)] IPersistentState<FileRegistryState> registry) : Grain, IFileRegistryGrain
{
    private const int Capacity = 1_000;

    public async Task RegisterAsync(FileEntry entry)
    {
        var files = registry.State.Files;
        if (files.Any(f => f.FileId == entry.FileId)) return;
        files.Insert(0, entry);
        if (files.Count > Capacity) files.RemoveRange(Capacity, files.Count - Capacity);
        await registry.WriteStateAsync();
    }

    public async Task ForgetAsync(string fileId)
    {
        if (registry.State.Files.RemoveAll(f => f.FileId == fileId) > 0) await registry.WriteStateAsync();
    }

    public Task<IReadOnlyList<FileEntry>> ListAsync(int limit) =>
        Task.FromResult<IReadOnlyList<FileEntry>>([.. registry.State.Files.Take(limit)]);
}

[GenerateSerializer, Alias("alerts.FileRegistryState")]
public sealed class FileRegistryState
{
    /// <summary>Newest first.</summary>
    [Id(0)] public List<FileEntry> Files { get; set; } = [];
}
