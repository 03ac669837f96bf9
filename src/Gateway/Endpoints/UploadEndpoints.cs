using Alerts.Gateway.Hosting;
using Alerts.Gateway.Uploads;
using Alerts.Grains.Interfaces;
using Alerts.Grains.Interfaces.Model;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Alerts.Gateway.Endpoints;

public static class UploadEndpoints
{
    /// <summary>
    /// <c>POST /upload</c>: multipart form with <c>file</c>, optional <c>alertMessage</c> (single-column files)
    /// <c>force</c> (a new batch of identical content), <c>notBefore</c> (ISO 8601: send nothing before) and
    /// <c>priority</c> (high or normal). 202 with the file id and where to watch it.
    /// </summary>
    public static void MapUpload(this WebApplication app) => app.MapPost("/upload", async (HttpContext context, IClusterClient cluster, IOptions<GatewayOptions> options) =>
    {
        var settings = options.Value;
        if (context.Request.ContentLength > settings.MaxUploadBytes) return TooLarge(settings);
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = settings.MaxUploadBytes;

        UploadedFile upload;
        try
        {
            upload = await UploadReader.ReadAsync(context.Request, settings.Uploads, settings.UploadIdleTimeout, context.RequestAborted);
        }
        catch (UploadException error)
        {
            return Results.Problem(error.Message, statusCode: StatusCodes.Status400BadRequest);
        }
        catch (Exception error) when ((error as UploadStalledException ?? error.InnerException as UploadStalledException) is { } stalled)
        {
            return Results.Problem(stalled.Message, statusCode: StatusCodes.Status408RequestTimeout);
        }
        catch (BadHttpRequestException error) when (error.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge(settings);
        }
        catch (BadHttpRequestException error) // 408: the body stalled below Kestrel's minimum data rate; 400: it was cut off
        {
            return Results.Problem(error.Message, statusCode: error.StatusCode);
        }
        string? problem;
        try
        {
            problem = upload.Size == 0 ? "file is empty"
                : Schedules.Problem(upload.NotBefore, DateTimeOffset.UtcNow)
                ?? (upload.AlertMessage is null ? null : UserIdsOnly.Problem(upload.PartPath, upload.Name));
        }
        catch
        {
            File.Delete(upload.PartPath); // the sweeper would take it only an hour later
            throw;
        }
        if (problem is not null)
        {
            File.Delete(upload.PartPath);
            return Results.Problem(problem, statusCode: StatusCodes.Status400BadRequest);
        }
        return await StartAsync(cluster, upload, settings);
    }).Accepts<IFormFile>("multipart/form-data").DisableAntiforgery().WithSummary("Uploads a file of alerts (multipart: file, alertMessage, force, notBefore, priority)")
        .Produces<UploadAccepted>(StatusCodes.Status202Accepted)
        .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status408RequestTimeout)
        .ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
        .AddOpenApiOperationTransformer(UploadForm.DescribeAsync).WithTags("Files");

    private static async Task<IResult> StartAsync(IClusterClient cluster, UploadedFile upload, GatewayOptions settings)
    {
        var fileId = upload.FileId(forceNonce: Guid.NewGuid().ToString("n"));
        // A name of its own per upload: identical uploads at once each keep their copy until the grain has
        // chosen the first, so each can tell truly whether its content was already known.
        var path = Path.Combine(settings.Uploads, $"{fileId[..12]}-{Guid.NewGuid().ToString("n")[..8]}-{upload.Name}");
        File.Move(upload.PartPath, path);
        FileSummary summary;
        try
        {
            summary = await cluster.GetGrain<IFileGrain>(fileId).StartAsync(new FileSource
            {
                Path = path,
                Name = upload.Name,
                Size = upload.Size,
                AlertMessage = upload.AlertMessage,
                NotBefore = upload.NotBefore,
                Priority = upload.Priority,
            });
        }
        catch
        {
            File.Delete(path); // not started: nothing will ever read it
            throw;
        }
        // Known content: the first copy is the one processed. (A file the grain failed at once was moved by it: not known.)
        var known = summary.Path != path && File.Exists(path);
        if (known) File.Delete(path);
        var statusUrl = $"/files/{fileId}";
        return Results.Accepted(statusUrl, new UploadAccepted(fileId, upload.Name, statusUrl, summary.Status, known));
    }

    private static IResult TooLarge(GatewayOptions settings) =>
        Results.Problem($"the upload is larger than {settings.MaxUploadBytes} bytes (Alerts:MaxUploadBytes)", statusCode: StatusCodes.Status413PayloadTooLarge);
}

/// <summary>The answer to an upload; <c>AlreadyKnown</c> is true when this content came before and is not sent again.</summary>
public sealed record UploadAccepted(string FileId, string Name, string StatusUrl, FileStatus Status, bool AlreadyKnown);
