using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Alerts.Tests.Support;
using Microsoft.Extensions.Options;

namespace Alerts.Tests.Notifier;

/// <summary><c>GET/POST/DELETE /chaos</c> and the start settings, against the real app.</summary>
public sealed class ChaosApiTests : IDisposable
{
    private readonly TempFolder _folder = new();

    [Fact]
    public async Task The_chaos_api_applies_shows_and_clears_the_profile()
    {
        await using var notifier = await NotifierHost.StartAsync(_folder.Path);

        var applied = await notifier.Client.PostAsync("/chaos", Json("""{"throttleEvery":1,"retryAfter":"999999","outageMode":"refuse"}"""));
        var shown = await notifier.Client.GetFromJsonAsync<JsonElement>("/chaos");
        var throttled = await ChaosHttpTests.PostAsync(notifier.Client);
        var cleared = await notifier.Client.DeleteFromJsonAsync<JsonElement>("/chaos");
        var afterwards = await ChaosHttpTests.PostAsync(notifier.Client);

        Assert.Equal(HttpStatusCode.OK, applied.StatusCode);
        Assert.Equal((1, "999999", "Refuse", 0), (shown.GetProperty("throttleEvery").GetInt32(), shown.GetProperty("retryAfter").GetString(),
            shown.GetProperty("outageMode").GetString(), shown.GetProperty("latencyMs").GetInt32()));
        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
        Assert.Equal((0, "1"), (cleared.GetProperty("throttleEvery").GetInt32(), cleared.GetProperty("retryAfter").GetString()));
        Assert.Equal(0, (await notifier.Client.GetFromJsonAsync<JsonElement>("/chaos")).GetProperty("throttleEvery").GetInt32());
        Assert.Equal(HttpStatusCode.OK, afterwards.StatusCode);
    }

    [Theory]
    [InlineData("""{"throttleShare":2}""", "ThrottleShare")]
    [InlineData("""{"latencyMs":"slow"}""", "invalid JSON")]
    [InlineData("""{"latency":50}""", "invalid JSON")]
    public async Task An_invalid_profile_is_refused_with_a_problem_and_changes_nothing(string body, string detail)
    {
        await using var notifier = await NotifierHost.StartAsync(_folder.Path, "--Notifier:Chaos:LatencyMs=7");

        var response = await notifier.Client.PostAsync("/chaos", Json(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(detail, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        Assert.Equal(7, (await notifier.Client.GetFromJsonAsync<JsonElement>("/chaos")).GetProperty("latencyMs").GetInt32());
    }

    [Fact]
    public async Task An_invalid_start_setting_fails_start_naming_it()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => NotifierHost.StartAsync(_folder.Path, "--Notifier:Chaos:HangShare=3"));

        Assert.Contains("Notifier:Chaos:HangShare", error.Message);
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    public void Dispose() => _folder.Dispose();
}
