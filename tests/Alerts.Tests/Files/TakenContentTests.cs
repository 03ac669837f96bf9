using System.Security.Cryptography;
using System.Text;
using Alerts.Grains.Inbox;
using Alerts.Tests.Support;

namespace Alerts.Tests.Files;

public sealed class TakenContentTests : IDisposable
{
    private const string Taken = "u1,m1\nu2,m2\n";
    private readonly TempFolder _folder = new();
    private readonly string _path;
    private readonly DateTime _takenAt;
    private readonly string _fileId = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Taken)));

    public TakenContentTests()
    {
        _path = _folder.Combine("taken.csv");
        File.WriteAllText(_path, Taken);
        _takenAt = DateTime.UtcNow.AddMinutes(-1);
        File.SetLastWriteTimeUtc(_path, _takenAt);
    }

    [Fact]
    public async Task An_untouched_file_has_no_change() => Assert.Null(await ChangeAsync());

    [Fact]
    public async Task Appended_bytes_are_counted_and_said_to_be_unread()
    {
        await File.AppendAllTextAsync(_path, "u3,m3\n");

        Assert.Equal("6 bytes were appended after the file was taken and were not read: to send those rows, drop them as a file of their own", await ChangeAsync());
    }

    [Fact]
    public async Task A_file_rewritten_in_place_with_the_same_length_is_found_by_its_hash()
    {
        await File.WriteAllTextAsync(_path, "u9,m9\nu2,m2\n");

        Assert.StartsWith("the file was rewritten in place while it was read", await ChangeAsync());
    }

    [Fact]
    public async Task A_file_that_shrank_says_how_much_was_not_read()
    {
        await File.WriteAllTextAsync(_path, "u1,m1\n");

        Assert.Equal("the file shrank from 12 to 6 bytes while it was read (rewritten in place?): rows past 6 bytes were not read", await ChangeAsync());
    }

    [Fact]
    public async Task A_file_removed_while_read_is_said_to_have_no_copy()
    {
        File.Delete(_path);

        Assert.StartsWith("the file was removed while it was read", await ChangeAsync());
    }

    [Fact]
    public async Task An_upload_is_checked_by_size_alone()
    {
        await File.WriteAllTextAsync(_path, "u9,m9\nu2,m2\n");

        Assert.Null(await TakenContent.ChangeAsync(_path, Taken.Length, modified: null, _fileId));
    }

    private Task<string?> ChangeAsync() => TakenContent.ChangeAsync(_path, Taken.Length, _takenAt, _fileId);

    public void Dispose() => _folder.Dispose();
}
