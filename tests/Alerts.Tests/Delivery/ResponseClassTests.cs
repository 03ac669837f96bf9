using Alerts.Grains.Delivery;
using Alerts.Grains.Hosting;
using Alerts.Grains.Interfaces.Model;
using Alerts.Grains.RateLimiting;
using Alerts.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Alerts.Tests.Delivery;

/// <summary>One attempt against a real HTTP webhook, for each class of answer the retry policy knows.</summary>
public sealed class ResponseClassTests : IAsyncLifetime
{
    private static readonly TimeSpan InitialBackoff = TimeSpan.FromSeconds(2);
    private readonly UnlimitedPermits _permits = new();
    private FakeWebhook _webhook = null!;

    public async Task InitializeAsync() => _webhook = await FakeWebhook.StartAsync();

    public async Task DisposeAsync() => await _webhook.DisposeAsync();

    [Fact]
    public async Task A_2xx_is_delivered_with_one_attempt()
    {
        var record = await AttemptAsync();

        Assert.Equal((DeliveryStatus.Delivered, 1, 200, null), (record.Status, record.Attempts, record.HttpStatus, record.LastError));
        Assert.Equal(Alert.AlertId, Assert.Single(_webhook.Calls).IdempotencyKey);
    }

    [Fact]
    public async Task A_429_with_Retry_After_waits_that_long_and_uses_no_attempt()
    {
        _webhook.Respond = (_, attempt) => attempt == 1 ? 429 : 200;
        _webhook.RetryAfter = TimeSpan.FromSeconds(1);

        var record = await AttemptAsync();

        Assert.Equal((DeliveryStatus.Delivered, 1), (record.Status, record.Attempts));
        Assert.Equal([(429, TimeSpan.FromSeconds(1)), (200, (TimeSpan?)null)], _permits.Reports.Select(r => (r.Status, r.RetryAfter)));
        var calls = _webhook.Calls.ToArray();
        Assert.Equal(2, calls.Length);
        Assert.True(calls[1].At - calls[0].At >= TimeSpan.FromSeconds(0.9), $"waited {calls[1].At - calls[0].At}");
    }

    [Fact]
    public async Task A_429_without_Retry_After_waits_the_throttle_pause_and_uses_no_attempt()
    {
        _webhook.Respond = (_, attempt) => attempt <= 2 ? 429 : 200;

        var record = await AttemptAsync(settings: [("ThrottlePause", "00:00:00.300")]);

        Assert.Equal((DeliveryStatus.Delivered, 1), (record.Status, record.Attempts));
        var calls = _webhook.Calls.ToArray();
        Assert.Equal(3, calls.Length);
        Assert.True(calls[2].At - calls[0].At >= TimeSpan.FromSeconds(0.55), $"waited {calls[2].At - calls[0].At}");
    }

    [Fact]
    public async Task A_503_backs_off_with_jitter_and_keeps_the_alert()
    {
        _webhook.Respond = (_, _) => 503;

        var record = await AttemptAsync();

        Assert.Equal((DeliveryStatus.Retrying, 1, 503), (record.Status, record.Attempts, record.HttpStatus));
        Assert.InRange(record.NextAttemptAt!.Value - record.At, InitialBackoff * 0.5, InitialBackoff * 1.5);
    }

    [Fact]
    public async Task A_timeout_is_transient()
    {
        _webhook.Delay = TimeSpan.FromSeconds(3);

        var record = await AttemptAsync(settings: [("RequestTimeout", "00:00:00.300")]);

        Assert.Equal((DeliveryStatus.Retrying, 1, null, "timeout"), (record.Status, record.Attempts, record.HttpStatus, record.LastError));
    }

    [Fact]
    public async Task A_refused_connection_is_transient()
    {
        var record = await AttemptAsync(settings: [("Url", $"http://127.0.0.1:{FreePort.Next()}/webhook")]);

        Assert.Equal((DeliveryStatus.Retrying, 1, null), (record.Status, record.Attempts, record.HttpStatus));
        Assert.False(string.IsNullOrEmpty(record.LastError));
    }

    [Fact]
    public async Task A_400_is_dead_lettered_at_once_with_its_status_and_body()
    {
        _webhook.Respond = (_, _) => 400;

        var record = await AttemptAsync();

        Assert.Equal((DeliveryStatus.DeadLettered, 1, 400), (record.Status, record.Attempts, record.HttpStatus));
        Assert.Contains("failure", record.LastError);
    }

    [Fact]
    public async Task A_transient_failure_on_the_last_allowed_attempt_is_dead_lettered()
    {
        _webhook.Respond = (_, _) => 500;

        var record = await AttemptAsync(attemptsBefore: 9, settings: [("MaxAttempts", "10")]);

        Assert.Equal((DeliveryStatus.DeadLettered, 10, 500), (record.Status, record.Attempts, record.HttpStatus));
    }

    [Fact]
    public async Task A_transient_failure_after_the_give_up_time_is_dead_lettered()
    {
        _webhook.Respond = (_, _) => 503;

        var record = await AttemptAsync(firstAttemptAt: DateTimeOffset.UtcNow - TimeSpan.FromHours(25));

        Assert.Equal((DeliveryStatus.DeadLettered, 1), (record.Status, record.Attempts));
    }

    [Fact]
    public async Task A_redirect_is_dead_lettered_with_its_Location_and_never_followed()
    {
        await using var elsewhere = await FakeWebhook.StartAsync();
        _webhook.Respond = (_, _) => 307;
        _webhook.RedirectTo = elsewhere.Url;

        var record = await AttemptAsync();

        Assert.Equal((DeliveryStatus.DeadLettered, 1, 307), (record.Status, record.Attempts, record.HttpStatus));
        Assert.Contains(elsewhere.Url, record.LastError);
        Assert.Empty(elsewhere.Calls); // the body, signature and key went nowhere else
    }

    [Fact]
    public async Task An_error_body_that_never_ends_is_sampled_not_read_whole()
    {
        _webhook.Respond = (_, _) => 500;
        _webhook.ErrorBodyBytes = long.MaxValue;

        var record = await AttemptAsync(settings: [("RequestTimeout", "00:00:05")]);

        Assert.Equal((DeliveryStatus.Retrying, 500), (record.Status, record.HttpStatus)); // not a timeout: the read stopped at the sample
        Assert.Equal(WebhookSender.MaxErrorSample, record.LastError!.Length);
    }

    [Theory]
    [InlineData("999999", 0.3)] // days: cut to the maximum
    [InlineData("Wed, 21 Oct 2015 07:28:00 GMT", 0.2)] // in the past: the default pause
    [InlineData("soon", 0.2)] // garbage: the default pause
    [InlineData("0", 0.0)]
    public async Task Retry_After_is_honoured_between_zero_and_the_maximum_and_otherwise_the_default_pause(string retryAfter, double expectedSeconds)
    {
        _webhook.Respond = (_, attempt) => attempt == 1 ? 429 : 200;
        _webhook.RetryAfterText = retryAfter;

        var record = await AttemptAsync(settings: [("MaxRetryAfter", "00:00:00.300"), ("ThrottlePause", "00:00:00.200")]);

        Assert.Equal((DeliveryStatus.Delivered, 1), (record.Status, record.Attempts));
        var reported = _permits.Reports.First().RetryAfter;
        Assert.Equal(expectedSeconds, (reported ?? TimeSpan.FromSeconds(0.2)).TotalSeconds, precision: 3);
        var calls = _webhook.Calls.ToArray();
        Assert.True(calls[1].At - calls[0].At >= TimeSpan.FromSeconds(expectedSeconds * 0.9), $"waited {calls[1].At - calls[0].At}");
    }

    [Fact]
    public async Task A_failure_while_the_endpoint_is_down_uses_no_attempt_and_the_time_down_is_not_held_against_the_alert()
    {
        _webhook.Respond = (_, _) => 503;
        var permits = new EndpointDownOnce(TimeSpan.FromMilliseconds(600));

        var record = await AttemptAsync(permits: permits, settings: [("GiveUpAfter", "00:00:00.500")]);

        Assert.Equal(2, _webhook.Calls.Count); // one while down (free), one after
        Assert.Equal((DeliveryStatus.Retrying, 1), (record.Status, record.Attempts)); // 600 ms down, yet not past the 500 ms horizon
    }

    /// <summary>Says the endpoint is down until the second wait, which lasts <paramref name="down"/> (the probe's wait) and ends with it up.</summary>
    private sealed class EndpointDownOnce(TimeSpan down) : IWebhookPermits
    {
        private int _waits;

        public bool EndpointDown { get; private set; } = true;

        public bool MaySend => true;

        public bool DeliveryPaused => false;

        public bool IsFilePaused(string fileId) => false;

        public ValueTask WhileFilePausedAsync(string fileId, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

        public async ValueTask WaitAsync(long age, CancellationToken cancellationToken = default)
        {
            if (++_waits < 2) return;
            await Task.Delay(down, cancellationToken);
            EndpointDown = false;
        }

        public void Report(WebhookResult result, DateTimeOffset sentAt) { }

        public void NotSent() { }
    }

    [Fact]
    public async Task Requests_waiting_for_a_connection_are_not_timed_out_while_they_wait()
    {
        // Two connections, a 100 ms receiver, a 3 s timeout (room for a loaded machine), a hundred requests at once: the
        // last waits about 5 s for a connection. Timed from when they were asked for, the later ones were cut off (and
        // would have been sent again).
        _webhook.Delay = TimeSpan.FromMilliseconds(100);
        await using var services = Services(_permits, ("MaxConnections", "2"), ("RequestTimeout", "00:00:03"));
        var sender = services.GetRequiredService<WebhookSender>();

        var results = await Task.WhenAll(Enumerable.Range(0, 100).Select(i => sender.SendAsync(Alert with { AlertId = $"{i:x32}" })));

        Assert.All(results, result => Assert.Equal(200, result.Status));
        Assert.Equal(100, _webhook.Calls.Count);
    }

    private static readonly Alert Alert = new() { AlertId = "0123456789abcdef0123456789abcdef", FileId = "f", Line = 2, UserId = "u-1", Message = "hello" };

    private async Task<DeliveryRecord> AttemptAsync(int attemptsBefore = 0, DateTimeOffset? firstAttemptAt = null, IWebhookPermits? permits = null, params (string Key, string Value)[] settings)
    {
        await using var services = Services(permits ?? _permits, settings);
        return (await services.GetRequiredService<AlertDeliverer>().AttemptAsync(Alert, attemptsBefore, firstAttemptAt ?? DateTimeOffset.UtcNow, age: 0))!; // no file is paused here
    }

    /// <summary>The silo's delivery services against the fake webhook, with these webhook settings on top.</summary>
    private ServiceProvider Services(IWebhookPermits permits, params (string Key, string Value)[] settings)
    {
        var values = new Dictionary<string, string?>
        {
            [$"{WebhookOptions.Section}:Url"] = _webhook.Url,
            [$"{WebhookOptions.Section}:PermitsPerSecond"] = "1000",
            [$"{WebhookOptions.Section}:InitialBackoff"] = InitialBackoff.ToString(),
        };
        foreach (var (key, value) in settings) values[$"{WebhookOptions.Section}:{key}"] = value;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        return new ServiceCollection().AddLogging().AddSingleton(permits).AddAlertsGrainServices(configuration).BuildServiceProvider();
    }
}
