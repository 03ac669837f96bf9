using Alerts.Grains.Files;
using Alerts.Tests.Support;

namespace Alerts.Tests.Files;

/// <summary>Where a finished file goes, decided apart from going there, and a move that can be made again.</summary>
public sealed class FileMoverTests
{
    private const string FileId = "0123456789abcdef0123456789abcdef";
    private static readonly DateTimeOffset MovedAt = DateTimeOffset.Parse("2026-12-01T08:00:00Z");

    [Fact]
    public void The_target_is_named_without_moving_and_a_taken_name_gets_the_files_id()
    {
        using var data = new TempFolder();
        var source = Taken(data, "alerts.csv");
        var archive = data.Combine("archive");

        var first = FileMover.TargetIn(source, archive, FileId, MovedAt);
        Directory.CreateDirectory(archive);
        File.WriteAllText(Path.Combine(archive, "alerts.csv"), "an earlier file");
        var second = FileMover.TargetIn(source, archive, FileId, MovedAt);

        Assert.True(File.Exists(source));
        Assert.Equal(Path.Combine(archive, "alerts.csv"), first);
        Assert.Equal(Path.Combine(archive, "0123456789ab-alerts.csv"), second);
    }

    [Fact]
    public void A_move_made_again_after_it_was_made_finds_the_file_where_it_went_and_changes_nothing()
    {
        using var data = new TempFolder();
        var source = Taken(data, "alerts.csv");
        var target = FileMover.TargetIn(source, data.Combine("archive"), FileId, MovedAt);

        FileMover.Move(source, target, FileId, MovedAt);
        FileMover.Move(source, target, FileId, MovedAt);

        Assert.Equal("userId,alertMessage\nu1,hi\n", File.ReadAllText(target));
        Assert.Equal(MovedAt.UtcDateTime, File.GetLastWriteTimeUtc(target)); // stamped by the caller's clock: kept a retention from then
        Assert.False(File.Exists(source));
        Assert.False(Directory.Exists(Path.GetDirectoryName(source))); // the file's own folder went with it
    }

    [Fact]
    public void A_file_already_gone_has_itself_as_target()
    {
        using var data = new TempFolder();
        var source = Taken(data, "alerts.csv");
        File.Delete(source);

        Assert.Equal(source, FileMover.TargetIn(source, data.Combine("archive"), FileId, MovedAt));
    }

    // As the inbox watcher takes a file: into a folder of its own, named by its id.
    private static string Taken(TempFolder data, string name)
    {
        var folder = data.Combine("processing", FileId);
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, name);
        File.WriteAllText(path, "userId,alertMessage\nu1,hi\n");
        return path;
    }
}
