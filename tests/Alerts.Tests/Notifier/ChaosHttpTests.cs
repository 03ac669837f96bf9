using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Alerts.Tests.Support;

namespace Alerts.Tests.Notifier;

/// <summary>Each misbehaviour against the real app on a real port, as a sender would meet it.</summary>
public sealed class ChaosHttpTests : IDisposable
{
    private readonly TempFolder _folder = new();

    [Fact]
    public async Task Latency_delays_the_answer_by_at_least_the_setting()
    {
        await using var notifier = await NotifierHost.StartAsync(_folder.Path, "--Notifier:Chaos:LatencyMs=200");

        var watch = Stopwatch.StartNew();
        var response = await PostAsync(notifier.Client);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(200), $"answered after {watch.Elapsed}");
    }

    [Fact]
    public async Task Throttle_first_answers_one_429_with_retry_after_verbatim_then_200s()
    {
        await using var notifier = await NotifierHost.StartAsync(_folder.Path, "--Notifier:Chaos:ThrottleFirst=1", "--Notifier:Chaos:RetryAfter=soon");

        var responses = new List<HttpResponseMessage>();
        for (var i = 0; i < 4; i++) responses.Add(await PostAsync(notifier.Client));

        Assert.Equal([HttpStatusCode.TooManyRequests, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK], responses.Select(r => r.StatusCode));
        Assert.Equal("soon", responses[0].Headers.NonValidated["Retry-After"].ToString());
        var stats = await notifier.StatsAsync();
        Assert.Equal((1, 3), (stats.Throttled, stats.Written));
    }

    [Fact]
    public async Task An_empty_retry_after_sends_no_header()
    {
        await using var notifier = await NotifierHost.StartAsync(_folder.Path, "--Notifier:Chaos:ThrottleEvery=1", "--Notifier:Chaos:RetryAfter=");

        var response = await PostAsync(notifier.Client);

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.False(response.Headers.Contains("Retry-After"));
    }

    [Fact]
    public async Task A_status_outage_answers_503_until_its_window_passes()
    {
        await using var notifier = await NotifierHost.StartAsync(_folder.Path, "--Notifier:Chaos:OutageSeconds=1");

        var first = await PostAsync(notifier.Client);
        await Eventually.Until(() => PostAsync(notifier.Client), r => r.StatusCode == HttpStatusCode.OK, "answered 200 after the outage", TimeSpan.FromSeconds(10));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, first.StatusCode);
        var stats = await notifier.StatsAsync();
        Assert.True(stats.Outage >= 1);
        Assert.Equal(1, stats.Written);
    }

    [Fact]
    public async Task A_refuse_outage_gives_connection_errors()
    {
        await using var notifier = await NotifierHost.StartAsync(_folder.Path, "--Notifier:Chaos:OutageSeconds=60", "--Notifier:Chaos:OutageMode=Refuse");

        // Refused below HTTP, whatever the path: HttpClient says so with an HttpRequestException, or, when the connection
        // is reset the moment it is made, a bare SocketException.
        await RefusedAsync(() => PostAsync(notifier.Client));
        await RefusedAsync(() => notifier.Client.GetAsync("/stats"));
        Assert.Empty(notifier.ReadRows());
    }

    private static async Task RefusedAsync(Func<Task> call)
    {
        var error = await Record.ExceptionAsync(call);
        Assert.True(error is HttpRequestException or System.Net.Sockets.SocketException, $"expected a connection error, got {error?.GetType().Name ?? "an answer"}");
    }

    [Fact]
    public async Task A_redirect_sends_the_location_and_writes_no_row()
    {
        await using var notifier = await NotifierHost.StartAsync(_folder.Path, "--Notifier:Chaos:RedirectStatus=307", "--Notifier:Chaos:RedirectTo=http://127.0.0.1:1/moved");
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = notifier.Client.BaseAddress };

        var response = await PostAsync(client);

        Assert.Equal(HttpStatusCode.TemporaryRedirect, response.StatusCode);
        Assert.Equal(new Uri("http://127.0.0.1:1/moved"), response.Headers.Location);
        Assert.Equal(1, (await notifier.StatsAsync()).Redirected);
        Assert.Empty(notifier.ReadRows());
    }

    [Fact]
    public async Task Body_bytes_pads_a_success_answer_that_stays_valid_json()
    {
        await using var notifier = await NotifierHost.StartAsync(_folder.Path, "--Notifier:Chaos:BodyBytes=5000000");

        var response = await PostAsync(notifier.Client);
        var body = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(body.Length >= 5_000_000, $"{body.Length} bytes");
        Assert.Equal("success", JsonDocument.Parse(body).RootElement.GetProperty("data").GetString());
        Assert.Single(notifier.ReadRows());
    }

    [Fact]
    public async Task A_hung_request_is_never_answered()
    {
        await using var notifier = await NotifierHost.StartAsync(_folder.Path, "--Notifier:Chaos:HangShare=1");
        using var client = new HttpClient { BaseAddress = notifier.Client.BaseAddress, Timeout = TimeSpan.FromSeconds(1) };

        await Assert.ThrowsAsync<TaskCanceledException>(() => PostAsync(client));
        Assert.Equal(1, (await notifier.StatsAsync()).Hung);
        Assert.Empty(notifier.ReadRows());
    }

    [Fact]
    public async Task A_reset_request_gets_a_connection_error()
    {
        await using var notifier = await NotifierHost.StartAsync(_folder.Path, "--Notifier:Chaos:ResetShare=1");

        await Assert.ThrowsAsync<HttpRequestException>(() => PostAsync(notifier.Client));
        Assert.Equal(1, (await notifier.StatsAsync()).Reset);
        Assert.Empty(notifier.ReadRows());
    }

    internal static Task<HttpResponseMessage> PostAsync(HttpClient client) =>
        client.PostAsync("/webhook", JsonContent.Create(new { userId = "u1", alertMessage = "hello" }));

    public void Dispose() => _folder.Dispose();
}
