namespace Alerts.Cli.Api;

/// <summary>
/// Turns what the user typed into a file id: a full id as it is, or the first few characters of one of the
/// listed files (as <c>alerts status</c> shows them).
/// </summary>
public static class FileIdLookup
{
    private const int FullLength = 64;
    private const int ShortestPrefix = 4;
    private const int Listed = 500;

    public static async Task<string> ResolveAsync(GatewayClient gateway, string typed, CancellationToken cancel)
    {
        var text = typed.Trim().ToLowerInvariant();
        if (text.Length is < ShortestPrefix or > FullLength || !text.All(char.IsAsciiHexDigitLower))
            throw new CliException($"'{typed}' is not a file id: 64 hex characters, or the first {ShortestPrefix} or more of one that alerts status lists");
        if (text.Length == FullLength) return text;
        var matches = (await gateway.ListFilesAsync(Listed, cancel)).Where(f => f.FileId.StartsWith(text, StringComparison.Ordinal)).ToList();
        return matches switch
        {
            [var only] => only.FileId,
            [] => throw new CliException($"no listed file has an id starting {text}"),
            _ => throw new CliException($"{matches.Count} files have an id starting {text}: give more of it"),
        };
    }
}
