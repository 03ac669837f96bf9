using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Alerts.Tests.Support;

/// <summary>A real HTTP webhook that records every request and answers what the test tells it to.</summary>
public sealed class FakeWebhook : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, int> _attemptsByKey = new();
    private readonly ConcurrentDictionary<string, int> _inFlightByUser = new();

    private FakeWebhook(WebApplication app) => _app = app;

    public string Url => _app.Urls.First() + "/webhook";

    /// <summary>All requests received, answered or not.</summary>
    public ConcurrentQueue<Call> Calls { get; } = new();

    /// <summary>Decides the status for a call; gets the attempt number for its idempotency key (1-based).</summary>
    public Func<Call, int, int> Respond { get; set; } = (_, _) => 200;

    /// <summary>
    /// Decides the status for a call that must wait for something first, awaited, where <see cref="Respond"/> would
    /// block a thread-pool thread (the in-process silos share the pool); wins over <see cref="Respond"/>.
    /// </summary>
    public Func<Call, Task<int>>? RespondAsync { get; set; }

    /// <summary>Answers with <paramref name="held"/> once <paramref name="gate"/> opens, or with <paramref name="expired"/> after <paramref name="wait"/>.</summary>
    public static async Task<int> WhenOpen(Task gate, TimeSpan wait, int held, int expired)
    {
        try
        {
            await gate.WaitAsync(wait);
            return held;
        }
        catch (TimeoutException)
        {
            return expired;
        }
    }

    /// <summary>The Retry-After header sent with 429s; none when null.</summary>
    public TimeSpan? RetryAfter { get; set; }

    /// <summary>The Retry-After header sent verbatim with 429s (garbage, dates); wins over <see cref="RetryAfter"/>.</summary>
    public string? RetryAfterText { get; set; }

    /// <summary>The Location header sent with 3xx answers.</summary>
    public string? RedirectTo { get; set; }

    /// <summary>Bytes of body streamed with each answer that is not 2xx (long.MaxValue: a body that never ends).</summary>
    public long ErrorBodyBytes { get; set; }

    /// <summary>How long to wait before answering, to provoke timeouts.</summary>
    public TimeSpan Delay { get; set; }

    /// <summary>The most requests of one user the webhook was answering at the same time, by user.</summary>
    public ConcurrentDictionary<string, int> MostAtOnceByUser { get; } = new();

    public IEnumerable<Call> Accepted => Calls.Where(c => c.Status is >= 200 and < 300);

    /// <summary>
    /// Accepted calls for users whose ids start with <paramref name="prefix"/>: a test's own, whatever another test's
    /// stragglers on a shared cluster still send.
    /// </summary>
    public IEnumerable<Call> AcceptedFor(string prefix) => Accepted.Where(c => c.UserId.StartsWith(prefix, StringComparison.Ordinal));

    /// <summary>Every call for users whose ids start with <paramref name="prefix"/>.</summary>
    public IEnumerable<Call> CallsFor(string prefix) => Calls.Where(c => c.UserId.StartsWith(prefix, StringComparison.Ordinal));

    public static async Task<FakeWebhook> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();
        var fake = new FakeWebhook(app);
        app.MapPost("/webhook", fake.HandleAsync);
        await app.StartAsync();
        return fake;
    }

    public void Reset()
    {
        Calls.Clear();
        _attemptsByKey.Clear();
        MostAtOnceByUser.Clear();
        Respond = (_, _) => 200;
        RespondAsync = null;
        RetryAfter = null;
        RetryAfterText = null;
        RedirectTo = null;
        ErrorBodyBytes = 0;
        Delay = TimeSpan.Zero;
    }

    private async Task<IResult> HandleAsync(HttpRequest request, HttpResponse response)
    {
        var at = DateTimeOffset.UtcNow;
        using var body = await JsonDocument.ParseAsync(request.Body);
        var key = request.Headers["Idempotency-Key"].ToString();
        var call = new Call(body.RootElement.GetProperty("userId").GetString()!, body.RootElement.GetProperty("alertMessage").GetString()!, key)
        {
            At = at,
            TraceParent = request.Headers["traceparent"].ToString(),
        };
        var attempt = _attemptsByKey.AddOrUpdate(key, 1, (_, n) => n + 1);
        call.Status = RespondAsync is { } respond ? await respond(call) : Respond(call, attempt);
        Calls.Enqueue(call);
        var atOnce = _inFlightByUser.AddOrUpdate(call.UserId, 1, (_, n) => n + 1);
        MostAtOnceByUser.AddOrUpdate(call.UserId, atOnce, (_, most) => Math.Max(most, atOnce));
        try
        {
            if (Delay > TimeSpan.Zero) await Task.Delay(Delay);
        }
        finally
        {
            _inFlightByUser.AddOrUpdate(call.UserId, 0, (_, n) => n - 1);
        }
        if (call.Status is >= 300 and < 400 && RedirectTo is not null) response.Headers.Location = RedirectTo;
        if (call.Status >= 300 && ErrorBodyBytes > 0)
        {
            response.StatusCode = call.Status;
            response.ContentType = "text/plain";
            await FillAsync(response.Body, ErrorBodyBytes, request.HttpContext.RequestAborted);
            return Results.Empty;
        }
        if (call.Status != 429) return Results.Json(new { data = call.Status < 300 ? "success" : "failure" }, statusCode: call.Status);
        if (RetryAfterText is not null) response.Headers.RetryAfter = RetryAfterText;
        else if (RetryAfter is { } wait) response.Headers.RetryAfter = $"{(int)wait.TotalSeconds}";
        return Results.StatusCode(429);
    }

    private static async Task FillAsync(Stream body, long bytes, CancellationToken aborted)
    {
        var chunk = new byte[64 * 1024];
        Array.Fill(chunk, (byte)'x');
        try
        {
            for (long sent = 0; sent < bytes && !aborted.IsCancellationRequested; sent += chunk.Length) await body.WriteAsync(chunk, aborted);
        }
        catch (Exception) when (aborted.IsCancellationRequested) { } // the client closed the connection: what a sampling reader does
        catch (IOException) { }
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    public sealed record Call(string UserId, string AlertMessage, string IdempotencyKey)
    {
        public int Status { get; set; }
        public DateTimeOffset At { get; init; }

        /// <summary>The W3C trace context the request carried, if any.</summary>
        public string TraceParent { get; init; } = "";
    }
}
