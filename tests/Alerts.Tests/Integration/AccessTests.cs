using System.Net;
using System.Net.Http.Headers;
using Alerts.Tests.Support;

namespace Alerts.Tests.Integration;

/// <summary>The gateway's API keys, against the real gateway process.</summary>
[Collection(RedisClusterCollection.Name)]
public sealed class AccessTests(RedisClusterFixture cluster)
{
    [Fact]
    public async Task Every_endpoint_but_health_needs_one_of_the_keys_as_a_header_or_a_bearer_token()
    {
        using var anonymous = new HttpClient { BaseAddress = cluster.Gateway.BaseAddress };
        using var wrongKey = new HttpRequestMessage(HttpMethod.Get, "/files");
        wrongKey.Headers.Add("X-Api-Key", "not-a-key");
        using var bearer = new HttpRequestMessage(HttpMethod.Get, "/files");
        bearer.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "test-key-two");

        var noKey = await anonymous.GetAsync("/files");
        var upload = await anonymous.PostAsync("/upload", new MultipartFormDataContent { { new StringContent("u,m"), "file", "a.csv" } });

        Assert.Equal(HttpStatusCode.Unauthorized, noKey.StatusCode);
        Assert.Equal("Bearer", noKey.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal(HttpStatusCode.Unauthorized, upload.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.SendAsync(wrongKey)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.SendAsync(bearer)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await cluster.Gateway.GetAsync("/files")).StatusCode); // X-Api-Key, the first key
        foreach (var health in new[] { "/health", "/health/live", "/health/ready" })
            Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(health)).StatusCode);
    }

    [Fact]
    public async Task Without_a_key_the_gateway_listens_on_loopback_only_and_says_so()
    {
        var port = FreePort.Next();
        var gateway = cluster.StartGateway("gateway-open", $"http://0.0.0.0:{port}", apiKeys: "");
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

        await Eventually.Until(() => AnswersAsync(client), ok => ok, $"the open gateway answers\n{gateway.Tail()}", TimeSpan.FromSeconds(60));

        Assert.Contains($"listening on loopback only (http://127.0.0.1:{port})", gateway.Tail(200));
        Assert.Equal(["0100007F"], ListeningAddresses(port)); // the socket itself: 127.0.0.1, not 0.0.0.0
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/files")).StatusCode); // no key needed, from this host
    }

    /// <summary>The local addresses (hex, as the kernel lists them) of sockets listening on <paramref name="port"/>.</summary>
    private static string[] ListeningAddresses(int port) =>
        [.. new[] { "/proc/net/tcp", "/proc/net/tcp6" }.Where(File.Exists).SelectMany(File.ReadLines).Skip(1)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields.Length > 3 && fields[3] == "0A" && fields[1].EndsWith($":{port:X4}"))
            .Select(fields => fields[1].Split(':')[0])
            .Distinct()];

    private static async Task<bool> AnswersAsync(HttpClient client)
    {
        try
        {
            return (await client.GetAsync("/health/live")).StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false; // not listening yet
        }
    }
}
