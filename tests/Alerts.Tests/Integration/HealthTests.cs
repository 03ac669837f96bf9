using System.Net;
using System.Text.Json;
using Alerts.Tests.Support;

namespace Alerts.Tests.Integration;

/// <summary>Health as an orchestrator sees it: a gateway started before any silo, then a silo joining, on real processes and Redis.</summary>
public sealed class HealthTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    [Fact]
    public async Task The_gateway_starts_without_silos_and_is_ready_once_one_has_joined_and_so_is_the_silo()
    {
        await using var redis = await RedisServer.StartAsync(_folder.Combine("redis"));
        var cluster = new Dictionary<string, string>
        {
            ["ConnectionStrings__Redis"] = redis.ConnectionString,
            ["Orleans__ClusterId"] = "health",
            ["Alerts__DataRoot"] = _folder.Combine("data"),
        };
        var gatewayUrl = $"http://127.0.0.1:{FreePort.Next()}";
        await using var gateway = HostProcess.Start("Gateway", _folder.Combine("gateway.log"), cluster, "--urls", gatewayUrl);

        var live = await Eventually.Until(() => StatusAsync($"{gatewayUrl}/health/live"), s => s == HttpStatusCode.OK, $"the gateway is live without silos\n{gateway.Tail()}", TimeSpan.FromSeconds(60));
        var (notReady, why) = await AnswerAsync($"{gatewayUrl}/health/ready");
        Assert.Equal(HttpStatusCode.OK, live);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, notReady);
        Assert.Equal("unavailable", why.GetProperty("status").GetString());

        var metricsUrl = $"http://localhost:{FreePort.Next()}";
        await using var silo = HostProcess.Start("Silo", _folder.Combine("silo.log"), new Dictionary<string, string>(cluster)
        {
            ["Orleans__SiloPort"] = $"{FreePort.Next()}",
            ["Orleans__GatewayPort"] = $"{FreePort.Next()}",
            ["Alerts__MetricsPort"] = new Uri(metricsUrl).Port.ToString(),
        });
        await Eventually.Until(() => StatusAsync($"{metricsUrl}/health/live"), s => s == HttpStatusCode.OK, $"the silo is live\n{silo.Tail()}", TimeSpan.FromSeconds(60));
        var siloReady = await Eventually.Until(() => AnswerAsync($"{metricsUrl}/health/ready"), a => a.Status == HttpStatusCode.OK, $"the silo is ready\n{silo.Tail()}", TimeSpan.FromSeconds(90));
        var gatewayReady = await Eventually.Until(() => AnswerAsync($"{gatewayUrl}/health/ready"), a => a.Status == HttpStatusCode.OK, $"the gateway is ready\n{gateway.Tail()}", TimeSpan.FromSeconds(90));

        Assert.Equal(("Active", "ok"), (siloReady.Body.GetProperty("silo").GetString(), siloReady.Body.GetProperty("redis").GetString()));
        Assert.Equal(1, gatewayReady.Body.GetProperty("silos").GetInt32());
        Assert.Contains("alerts_users_active", await _http.GetStringAsync($"{metricsUrl}/metrics"));
    }

    private async Task<HttpStatusCode?> StatusAsync(string url)
    {
        try
        {
            return (await _http.GetAsync(url)).StatusCode;
        }
        catch (HttpRequestException)
        {
            return null; // not listening yet
        }
    }

    private async Task<(HttpStatusCode? Status, JsonElement Body)> AnswerAsync(string url)
    {
        try
        {
            var response = await _http.GetAsync(url);
            return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement);
        }
        catch (HttpRequestException)
        {
            return (null, default);
        }
    }

    public void Dispose()
    {
        _http.Dispose();
        _folder.Dispose();
    }
}
