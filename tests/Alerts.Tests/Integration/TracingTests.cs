using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Alerts.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Alerts.Tests.Integration;

/// <summary>
/// Traces from an upload to the webhook, on real processes: the gateway continues the caller's <c>traceparent</c>, the
/// file keeps it, and every webhook request of its alerts carries the same trace; both processes export over OTLP.
/// </summary>
public sealed class TracingTests : IDisposable
{
    private readonly TempFolder _folder = new();

    [Fact]
    public async Task An_uploads_trace_reaches_every_webhook_request_and_the_spans_go_out_over_otlp()
    {
        await using var redis = await RedisServer.StartAsync(_folder.Combine("redis"));
        await using var webhook = await FakeWebhook.StartAsync();
        await using var collector = await OtlpCollector.StartAsync();
        var cluster = new Dictionary<string, string>
        {
            ["ConnectionStrings__Redis"] = redis.ConnectionString,
            ["Orleans__ClusterId"] = "tracing",
            ["Alerts__DataRoot"] = _folder.Combine("data"),
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.Url,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
        };
        await using var silo = HostProcess.Start("Silo", _folder.Combine("silo.log"), new Dictionary<string, string>(cluster)
        {
            ["Orleans__SiloPort"] = $"{FreePort.Next()}",
            ["Orleans__GatewayPort"] = $"{FreePort.Next()}",
            ["Alerts__Webhook__Url"] = webhook.Url,
        });
        var gatewayUrl = $"http://127.0.0.1:{FreePort.Next()}";
        await using var gateway = HostProcess.Start("Gateway", _folder.Combine("gateway.log"), cluster, "--urls", gatewayUrl);
        using var http = new HttpClient { BaseAddress = new Uri(gatewayUrl) };
        await Eventually.Until(() => ReadyAsync(http), ok => ok, $"the cluster is ready\n{silo.Tail()}\n{gateway.Tail()}", TimeSpan.FromSeconds(90));

        var traceId = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
        var content = InboxFiles.Csv("tr" + traceId[..8], rows: 5, users: 5);
        using var upload = new HttpRequestMessage(HttpMethod.Post, "/upload")
        {
            Content = new MultipartFormDataContent { { new ByteArrayContent(Encoding.UTF8.GetBytes(content)), "file", "traced.csv" } },
        };
        upload.Headers.Add("traceparent", $"00-{traceId}-{Convert.ToHexStringLower(Guid.NewGuid().ToByteArray())[..16]}-01");
        var accepted = await (await http.SendAsync(upload)).Content.ReadFromJsonAsync<JsonElement>();
        var fileId = accepted.GetProperty("fileId").GetString();
        await Eventually.Until(async () => (await http.GetFromJsonAsync<JsonElement>($"/files/{fileId}")).GetProperty("status").GetString(),
            status => status == "Completed", $"the file completes\n{silo.Tail()}", TimeSpan.FromSeconds(60));

        Assert.Equal(5, webhook.Accepted.Count());
        Assert.All(webhook.Accepted, call => Assert.Equal(traceId, call.TraceParent.Split('-').ElementAtOrDefault(1)));
        await Eventually.Until(() => Task.FromResult(collector.Received), seen => seen.Contains("deliver alert") && seen.Contains("alerts-silo") && seen.Contains("alerts-gateway"),
            "spans of both processes exported", TimeSpan.FromSeconds(60));
    }

    private static async Task<bool> ReadyAsync(HttpClient http)
    {
        try
        {
            return (await http.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    public void Dispose() => _folder.Dispose();

    /// <summary>Takes OTLP/HTTP exports (protobuf) and keeps their bytes as text: span and service names are plain UTF-8 in them.</summary>
    private sealed class OtlpCollector : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly ConcurrentQueue<string> _bodies = new();

        private OtlpCollector(WebApplication app) => _app = app;

        public string Url => _app.Urls.First();

        public string Received => string.Concat(_bodies);

        public static async Task<OtlpCollector> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            var app = builder.Build();
            var collector = new OtlpCollector(app);
            app.MapPost("/v1/traces", async (HttpRequest request) =>
            {
                using var body = new MemoryStream();
                await request.Body.CopyToAsync(body);
                collector._bodies.Enqueue(Encoding.UTF8.GetString(body.ToArray()));
                return Results.Ok();
            });
            await app.StartAsync();
            return collector;
        }

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();
    }
}
