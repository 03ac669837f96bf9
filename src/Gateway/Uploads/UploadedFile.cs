using Alerts.Grains.Interfaces.Model;

namespace Alerts.Gateway.Uploads;

/// <summary>An upload streamed to disk: where it is, its name, size and content hash, and the form fields.</summary>
public sealed record UploadedFile(string PartPath, string Name, long Size, byte[] ContentHash, string? AlertMessage, bool Force)
{
    /// <summary>Nothing of the file is sent before this time.</summary>
    public DateTimeOffset? NotBefore { get; init; }

    public FilePriority Priority { get; init; }

    /// <summary>
    /// The file id. Plain uploads use the SHA-256 of the bytes, like dropped files, so the same content is
    /// one batch. A given message makes another batch of the same user list; force makes a new batch every time.
    /// </summary>
    public string FileId(string forceNonce)
    {
        if (AlertMessage is null && !Force) return Convert.ToHexStringLower(ContentHash);
        var salted = $"{Convert.ToHexStringLower(ContentHash)}\nmessage:{AlertMessage}\nforce:{(Force ? forceNonce : "")}";
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(salted)));
    }
}
