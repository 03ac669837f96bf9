using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Alerts.Tests.Support;

namespace Alerts.Tests.Notifier;

public sealed class NotifierTests : IDisposable
{
    private readonly TempFolder _folder = new();

    [Fact]
    public async Task Requests_past_the_limit_get_429_with_retry_after()
    {
        await using var notifier = await NotifierHost.StartAsync(_folder.Path, "--Notifier:PermitsPerSecond=5");

        var responses = new List<HttpResponseMessage>();
        for (var i = 0; i < 20; i++) responses.Add(await PostAsync(notifier, $"u{i}", "hi"));

        var throttled = responses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.InRange(responses.Count(r => r.IsSuccessStatusCode), 5, 10); // 5 a second, a second at most elapsed twice
        Assert.NotEmpty(throttled);
        Assert.All(throttled, r => Assert.True(r.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1)));
        var stats = await notifier.StatsAsync();
        Assert.Equal(throttled.Count, stats.Throttled);
        Assert.Equal(20, stats.Received);
        Assert.Equal(responses.Count(r => r.IsSuccessStatusCode), notifier.ReadRows().Count);
    }

    [Fact]
    public async Task A_repeated_idempotency_key_is_written_once_even_across_restarts()
    {
        await using (var notifier = await NotifierHost.StartAsync(_folder.Path))
        {
            var first = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => PostAsync(notifier, "alice", "disk full", "key-1")));
            Assert.All(first, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
            var stats = await notifier.StatsAsync();
            Assert.Equal(1, stats.Written);
            Assert.Equal(9, stats.Duplicates);
        }

        await using var restarted = await NotifierHost.StartAsync(_folder.Path);
        var again = await PostAsync(restarted, "alice", "disk full", "key-1");
        var other = await PostAsync(restarted, "alice", "disk full", "key-2");

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        Assert.Equal(1, (await restarted.StatsAsync()).Duplicates);
        Assert.Equal([("alice", "disk full"), ("alice", "disk full")], restarted.ReadRows());
    }

    [Fact]
    public async Task Five_hundred_concurrent_requests_lose_no_row()
    {
        await using var notifier = await NotifierHost.StartAsync(_folder.Path, "--Notifier:PermitsPerSecond=100000");
        var sent = Enumerable.Range(0, 500).Select(i => ($"user-{i}", $"line {i}, with \"quotes\"\nand a newline")).ToList();

        var responses = await Task.WhenAll(sent.Select(row => PostAsync(notifier, row.Item1, row.Item2, $"k{row.Item1}")));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(sent.OrderBy(r => r.Item1), notifier.ReadRows().OrderBy(r => r.UserId));
        Assert.Equal(500, (await notifier.StatsAsync()).Written);
    }

    [Theory]
    [InlineData("{not json", "invalid JSON")]
    [InlineData("{\"userId\":\"u1\"}", "alertMessage is required")]
    [InlineData("{\"alertMessage\":\"m\"}", "userId is required")]
    [InlineData("{\"userId\":\"\",\"alertMessage\":\"m\"}", "userId is required")]
    public async Task Bad_requests_get_400_with_a_json_error(string body, string error)
    {
        await using var notifier = await NotifierHost.StartAsync(_folder.Path);

        var response = await notifier.Client.PostAsync("/webhook", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains(error, json.GetProperty("error").GetString());
        Assert.Equal(1, (await notifier.StatsAsync()).Rejected);
        Assert.Empty(notifier.ReadRows());
    }

    [Fact]
    public async Task Injected_failures_answer_503_and_write_nothing()
    {
        await using var notifier = await NotifierHost.StartAsync(_folder.Path, "--Notifier:FailureRate=1");

        var response = await PostAsync(notifier, "bob", "hello");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(1, (await notifier.StatsAsync()).Failed);
        Assert.Empty(notifier.ReadRows());
    }

    [Fact]
    public async Task Success_answers_data_success()
    {
        await using var notifier = await NotifierHost.StartAsync(_folder.Path);

        var response = await PostAsync(notifier, "carol", "hello");

        Assert.Equal("success", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("data").GetString());
    }

    private static Task<HttpResponseMessage> PostAsync(NotifierHost notifier, string userId, string message, string? key = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/webhook") { Content = JsonContent.Create(new { userId, alertMessage = message }) };
        if (key is not null) request.Headers.Add("Idempotency-Key", key);
        return notifier.Client.SendAsync(request);
    }

    public void Dispose() => _folder.Dispose();
}
