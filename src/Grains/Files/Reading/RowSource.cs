using Alerts.Grains.Interfaces.Model;

namespace Alerts.Grains.Files.Reading;

/// <summary>
/// What a reader needs to know of a file: its format and path, where its taken content ends (bytes past
/// <c>EndOffset</c> are never read: a file is read only as far as it was when it was taken), the row cap, and for a
/// single-column file of user ids the message every user gets.
/// </summary>
internal sealed record RowSource(FileFormat Format, string Path, long EndOffset, int MaxRowBytes, string? FixedMessage = null);
