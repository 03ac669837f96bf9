using System.Security.Cryptography;
using System.Text;
using Alerts.Grains.Delivery;
using Alerts.Grains.Hosting;
using Alerts.Grains.Interfaces.Model;
using Alerts.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Alerts.Tests.Delivery;

/// <summary>
/// Our signatures as the Standard Webhooks specification defines them, checked against the specification itself rather
/// than against our own verifier: its published example, and a request delivered over HTTP checked by a verifier
/// written from the specification's text.
/// </summary>
public sealed class StandardWebhooksTests
{
    // The specification's published example.
    private const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private const string MessageId = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private const long Timestamp = 1614265330;
    private const string Payload = """{"test": 2432232314}""";
    private const string Signature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    [Fact]
    public void The_published_example_signs_to_the_published_signature()
    {
        var signer = new WebhookSigner(Options.Create(new WebhookOptions { Secret = Secret }), new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(Timestamp)));
        using var request = new HttpRequestMessage(HttpMethod.Post, "http://receiver/webhook");

        signer.Sign(request, MessageId, Encoding.UTF8.GetBytes(Payload));

        Assert.Equal(MessageId, request.Headers.GetValues("webhook-id").Single());
        Assert.Equal($"{Timestamp}", request.Headers.GetValues("webhook-timestamp").Single());
        Assert.Equal(Signature, request.Headers.GetValues("webhook-signature").Single());
        Assert.True(VerifiesPerSpecification(Secret, MessageId, $"{Timestamp}", Encoding.UTF8.GetBytes(Payload), Signature)); // the verifier below agrees
    }

    [Fact]
    public async Task A_delivered_request_passes_a_verifier_written_from_the_specification()
    {
        var received = new TaskCompletionSource<(Dictionary<string, string> Headers, byte[] Body)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        await using var receiver = builder.Build();
        receiver.MapPost("/webhook", async (HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            // Copied: the request's own headers are recycled with it once answered.
            received.TrySetResult((request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase), body.ToArray()));
            return Results.Ok();
        });
        await receiver.StartAsync();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"{WebhookOptions.Section}:Url"] = receiver.Urls.First() + "/webhook",
            [$"{WebhookOptions.Section}:Secret"] = Secret,
        }).Build();
        await using var services = new ServiceCollection().AddLogging().AddSingleton<Alerts.Grains.RateLimiting.IWebhookPermits>(new UnlimitedPermits())
            .AddAlertsGrainServices(configuration).BuildServiceProvider();
        var alert = new Alert { AlertId = "0123456789abcdef0123456789abcdef", FileId = "f", Line = 2, UserId = "u-1", Message = "hello" };

        var result = await services.GetRequiredService<WebhookSender>().SendAsync(alert);
        var (headers, body) = await received.Task.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(200, result.Status);
        Assert.Equal(alert.AlertId, headers["webhook-id"]); // the same id as the Idempotency-Key, on every attempt
        Assert.Equal(alert.AlertId, headers["Idempotency-Key"]);
        Assert.InRange(long.Parse(headers["webhook-timestamp"]), DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 300, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 5);
        Assert.True(VerifiesPerSpecification(Secret, headers["webhook-id"], headers["webhook-timestamp"], body, headers["webhook-signature"]));
        Assert.False(VerifiesPerSpecification("whsec_" + Convert.ToBase64String(new byte[24]), headers["webhook-id"],
            headers["webhook-timestamp"], body, headers["webhook-signature"]));
    }

    /// <summary>
    /// From the specification's text alone: the key is the base64 after <c>whsec_</c>; the content signed is
    /// <c>id.timestamp.body</c> with HMAC-SHA256; the header holds space-separated <c>v1,base64</c> signatures, any of which may match.
    /// </summary>
    private static bool VerifiesPerSpecification(string secret, string id, string timestamp, byte[] body, string header)
    {
        var key = Convert.FromBase64String(secret["whsec_".Length..]);
        byte[] signed = [.. Encoding.UTF8.GetBytes($"{id}.{timestamp}."), .. body];
        var expected = HMACSHA256.HashData(key, signed);
        return header.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Where(signature => signature.StartsWith("v1,", StringComparison.Ordinal))
            .Any(signature => CryptographicOperations.FixedTimeEquals(Convert.FromBase64String(signature[3..]), expected));
    }
}
