using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Alerts.Cli.Api;

/// <summary>
/// The gateway's HTTP API, typed. Every failure comes out as a <see cref="CliException"/> with one clear line:
/// the API's problem <c>detail</c>, what to do about a 401, or that nothing answers at the URL.
/// </summary>
public sealed class GatewayClient : IDisposable
{
    // Status calls are quick; uploads and reports take as long as their bytes do.
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(30);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly HttpClient _http;

    public GatewayClient(Uri baseUrl, string? apiKey)
    {
        BaseUrl = baseUrl;
        _http = new HttpClient { BaseAddress = baseUrl, Timeout = Timeout.InfiniteTimeSpan };
        if (!string.IsNullOrEmpty(apiKey)) _http.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
    }

    public Uri BaseUrl { get; }

    private string Shown => BaseUrl.ToString().TrimEnd('/');

    /// <summary><c>POST /upload</c>: the file streamed as multipart, with an optional message for single-column files.</summary>
    public async Task<UploadAccepted> UploadAsync(string path, string? alertMessage, bool force, CancellationToken cancel, DateTimeOffset? notBefore = null, bool high = false)
    {
        await using var file = OpenForUpload(path);
        using var form = new MultipartFormDataContent();
        var content = new StreamContent(file);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(content, "file", Path.GetFileName(path));
        if (alertMessage is not null) form.Add(new StringContent(alertMessage), "alertMessage");
        if (force) form.Add(new StringContent("true"), "force");
        if (notBefore is { } at) form.Add(new StringContent(at.ToString("O", System.Globalization.CultureInfo.InvariantCulture)), "notBefore");
        if (high) form.Add(new StringContent("high"), "priority");
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Post, "upload") { Content = form }, timeout: null, cancel);
        return await ReadAsync<UploadAccepted>(response, cancel);
    }

    /// <summary><c>GET /files?limit=</c>: the newest files first.</summary>
    public Task<IReadOnlyList<FileSummary>> ListFilesAsync(int limit, CancellationToken cancel) =>
        GetAsync<IReadOnlyList<FileSummary>>($"files?limit={limit}", cancel);

    /// <summary><c>GET /files/{id}</c>.</summary>
    public Task<FileSummary> GetFileAsync(string fileId, CancellationToken cancel) =>
        GetAsync<FileSummary>($"files/{Uri.EscapeDataString(fileId)}", cancel);

    /// <summary><c>GET /files/{id}/report</c>: hands the CSV body to <paramref name="read"/> as it streams.</summary>
    public async Task ReadReportAsync(string fileId, Func<Stream, Task> read, CancellationToken cancel)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, $"files/{Uri.EscapeDataString(fileId)}/report"), timeout: null, cancel);
        await using var body = await response.Content.ReadAsStreamAsync(cancel);
        await read(body);
    }

    /// <summary><c>POST /files/{id}/retry</c>, or <c>POST /retry</c> for every file when <paramref name="fileId"/> is null.</summary>
    public async Task<RetryResult> RetryAsync(string? fileId, CancellationToken cancel)
    {
        var path = fileId is null ? "retry" : $"files/{Uri.EscapeDataString(fileId)}/retry";
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Post, path), CallTimeout, cancel);
        return await ReadAsync<RetryResult>(response, cancel);
    }

    /// <summary>Pauses (true) or resumes (false) one file.</summary>
    public async Task<FileSummary> SetFilePausedAsync(string fileId, bool paused, CancellationToken cancel)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Post, $"files/{Uri.EscapeDataString(fileId)}/{(paused ? "pause" : "resume")}"), CallTimeout, cancel);
        return await ReadAsync<FileSummary>(response, cancel);
    }

    /// <summary><c>POST /files/{id}/cancel</c>: what is not yet sent never is.</summary>
    public async Task<FileSummary> CancelFileAsync(string fileId, CancellationToken cancel)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Post, $"files/{Uri.EscapeDataString(fileId)}/cancel"), CallTimeout, cancel);
        return await ReadAsync<FileSummary>(response, cancel);
    }

    /// <summary>Pauses (true) or resumes (false) all delivery.</summary>
    public async Task<DeliveryState> SetDeliveryPausedAsync(bool paused, CancellationToken cancel)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Post, paused ? "delivery/pause" : "delivery/resume"), CallTimeout, cancel);
        return await ReadAsync<DeliveryState>(response, cancel);
    }

    public void Dispose() => _http.Dispose();

    private async Task<T> GetAsync<T>(string path, CancellationToken cancel)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, path), CallTimeout, cancel);
        return await ReadAsync<T>(response, cancel);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, TimeSpan? timeout, CancellationToken cancel)
    {
        using var _ = request;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        if (timeout is { } limit) deadline.CancelAfter(limit);
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
        }
        catch (HttpRequestException error) when (error.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError)
        {
            throw new CliException($"no gateway at {Shown}", inner: error);
        }
        catch (HttpRequestException error)
        {
            throw new CliException($"the gateway at {Shown} failed: {error.Message}", inner: error);
        }
        catch (OperationCanceledException error) when (!cancel.IsCancellationRequested)
        {
            throw new CliException($"the gateway at {Shown} did not answer within {timeout?.TotalSeconds} s", inner: error);
        }
        if (response.IsSuccessStatusCode) return response;
        using (response) throw await ErrorAsync(response, cancel);
    }

    private static async Task<CliException> ErrorAsync(HttpResponseMessage response, CancellationToken cancel)
    {
        if (response.StatusCode == HttpStatusCode.Unauthorized)
            return new CliException(response.RequestMessage?.Headers.Contains("X-Api-Key") == true
                ? "the gateway refused the API key: check ALERTS_API_KEY or --api-key"
                : "the gateway needs an API key: set ALERTS_API_KEY or pass --api-key", response.StatusCode);
        string? detail = null;
        try
        {
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Json, cancel);
            detail = Text(problem, "detail") ?? Text(problem, "title") ?? Text(problem, "error");
        }
        catch (Exception error) when (error is JsonException or NotSupportedException or HttpRequestException)
        {
            // not problem details: the status line says enough
        }
        return new CliException($"the gateway answered {(int)response.StatusCode} {response.ReasonPhrase}{(detail is null ? "" : $": {detail}")}", response.StatusCode);
    }

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken cancel)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync<T>(Json, cancel)
                ?? throw new CliException($"the gateway answered {(int)response.StatusCode} with an empty body");
        }
        catch (JsonException error)
        {
            throw new CliException($"the gateway's answer is not what this version understands: {error.Message}", inner: error);
        }
    }

    private static FileStream OpenForUpload(string path)
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16, useAsync: true);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"cannot read {path}: {error.Message}", inner: error);
        }
    }
}
