using System.Globalization;
using Alerts.Grains.Interfaces.Model;
using System.Security.Cryptography;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace Alerts.Gateway.Uploads;

/// <summary>
/// Reads a multipart upload section by section: the file is streamed to a <c>.part</c> file while it is
/// hashed, so it is never held in memory; the small fields are read as text.
/// </summary>
public static class UploadReader
{
    private const int MaxFieldChars = 8192;
    private const int MaxNameChars = 100;

    /// <exception cref="UploadException">The request is not a usable upload.</exception>
    public static async Task<UploadedFile> ReadAsync(HttpRequest request, string folder, TimeSpan idleTimeout, CancellationToken cancellationToken)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var contentType) || HeaderUtilities.RemoveQuotes(contentType.Boundary).Length == 0)
            throw new UploadException("expected a multipart/form-data body with a 'file' field");
        var reader = new MultipartReader(HeaderUtilities.RemoveQuotes(contentType.Boundary).Value!, new IdleTimeoutStream(request.Body, idleTimeout));
        (string Path, string Name, long Size, byte[] Hash)? file = null;
        string? message = null;
        var force = false;
        DateTimeOffset? notBefore = null;
        var priority = FilePriority.Normal;
        try
        {
            while (await ReadNextSectionAsync(reader, cancellationToken) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)) continue;
                switch (HeaderUtilities.RemoveQuotes(disposition.Name).Value)
                {
                    case "file" when file is null:
                        file = await SaveAsync(section.Body, folder, FileNameOf(disposition), cancellationToken);
                        break;
                    case "alertMessage":
                        message = await ReadFieldAsync(section.Body);
                        break;
                    case "force":
                        force = bool.TryParse(await ReadFieldAsync(section.Body), out var value) ? value : throw new UploadException("'force' must be true or false");
                        break;
                    case "notBefore":
                        notBefore = DateTimeOffset.TryParse(await ReadFieldAsync(section.Body), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
                            ? at : throw new UploadException("'notBefore' must be an ISO 8601 time, such as 2026-12-24T21:00:00Z");
                        break;
                    case "priority":
                        priority = await ReadFieldAsync(section.Body) switch
                        {
                            var field when field.Equals("high", StringComparison.OrdinalIgnoreCase) => FilePriority.High,
                            var field when field.Equals("normal", StringComparison.OrdinalIgnoreCase) => FilePriority.Normal,
                            _ => throw new UploadException("'priority' must be high or normal"),
                        };
                        break;
                }
            }
        }
        catch (Exception error)
        {
            if (file is { } partial) File.Delete(partial.Path);
            // A multipart body that ends before its closing boundary: the client's fault, not ours.
            if (error is IOException and not BadHttpRequestException && error.InnerException is not UploadStalledException && !cancellationToken.IsCancellationRequested)
                throw new UploadException($"malformed multipart body: {error.Message}");
            throw;
        }
        if (file is not { } saved) throw new UploadException("missing field 'file'");
        if (message is { Length: 0 or > 4096 })
        {
            File.Delete(saved.Path);
            throw new UploadException("'alertMessage' must be 1 to 4096 characters");
        }
        return new UploadedFile(saved.Path, saved.Name, saved.Size, saved.Hash, message, force) { NotBefore = notBefore, Priority = priority };
    }

    private static async Task<MultipartSection?> ReadNextSectionAsync(MultipartReader reader, CancellationToken cancellationToken)
    {
        try
        {
            return await reader.ReadNextSectionAsync(cancellationToken);
        }
        catch (InvalidDataException error)
        {
            throw new UploadException($"malformed multipart body: {error.Message}");
        }
    }

    /// <summary>Streams the file to a part file; whatever stops it (a limit, a client gone, a disk full) deletes the part.</summary>
    private static async Task<(string, string, long, byte[])> SaveAsync(Stream body, string folder, string name, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, $"{Guid.NewGuid():n}{PartSuffix}");
        try
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            await using var output = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
            var buffer = new byte[1 << 16];
            long size = 0;
            int read;
            while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                size += read;
            }
            await output.FlushAsync(cancellationToken);
            return (path, name, size, hash.GetHashAndReset());
        }
        catch
        {
            File.Delete(path);
            throw;
        }
    }

    public const string PartSuffix = ".part";

    private static async Task<string> ReadFieldAsync(Stream body)
    {
        using var text = new StreamReader(body);
        var buffer = new char[MaxFieldChars + 1];
        var length = await text.ReadBlockAsync(buffer);
        if (length > MaxFieldChars) throw new UploadException($"a form field is longer than {MaxFieldChars} characters");
        return new string(buffer, 0, length);
    }

    // Only the last path segment of the client's name, with nothing that could make it hidden or in progress.
    private static string FileNameOf(ContentDispositionHeaderValue disposition)
    {
        var raw = HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value;
        var name = Path.GetFileName(raw?.Replace('\\', '/') ?? "").Trim().TrimStart('.');
        name = string.Concat(name.Where(c => !char.IsControl(c) && !Path.GetInvalidFileNameChars().Contains(c)));
        if (name.Length > MaxNameChars) name = name[..(MaxNameChars - Path.GetExtension(name).Length)] + Path.GetExtension(name); // file systems stop at 255 bytes
        return name.Length == 0 ? "upload.csv" : name;
    }
}

/// <summary>A client error in an upload: answered 400 with this message.</summary>
public sealed class UploadException(string message) : Exception(message);
