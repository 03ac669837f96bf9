using System.Security.Cryptography;
using System.Text;

namespace Alerts.Tests.Support;

/// <summary>Writes files into an inbox the way a careful sender does (a .part renamed), and names them by content hash.</summary>
public static class InboxFiles
{
    public static string Drop(string inbox, string name, string content) => Drop(inbox, name, Encoding.UTF8.GetBytes(content));

    public static string Drop(string inbox, string name, byte[] content)
    {
        Directory.CreateDirectory(inbox);
        var part = Path.Combine(inbox, name + ".part");
        File.WriteAllBytes(part, content);
        File.Move(part, Path.Combine(inbox, name));
        return FileId(content);
    }

    public static string FileId(string content) => FileId(Encoding.UTF8.GetBytes(content));

    public static string FileId(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));

    /// <summary>A CSV of <paramref name="rows"/> rows for users prefixed <paramref name="prefix"/>, with a header.</summary>
    public static string Csv(string prefix, int rows, int users)
    {
        var text = new StringBuilder("userId,alertMessage\n");
        for (var i = 0; i < rows; i++) text.Append($"{prefix}-{i % users},\"alert {i}, for you\"\n");
        return text.ToString();
    }
}
