using System.Net;
using System.Text.Json;
using Alerts.Grains.Delivery;
using Alerts.Grains.Hosting;
using Alerts.Tests.Support;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Alerts.Tests.Notifier;

/// <summary>The sender's signer against the notifier's separate verifier, over real HTTP.</summary>
public sealed class SignatureTests : IAsyncLifetime
{
    private const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private readonly TempFolder _folder = new();
    private NotifierHost _notifier = null!;

    public async Task InitializeAsync() => _notifier = await NotifierHost.StartAsync(_folder.Path, $"--Alerts:Webhook:Secret={Secret}");

    public async Task DisposeAsync()
    {
        await _notifier.DisposeAsync();
        _folder.Dispose();
    }

    [Fact]
    public async Task A_request_signed_with_the_shared_secret_is_accepted()
    {
        var response = await PostAsync(Signer(Secret, DateTimeOffset.UtcNow));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(_notifier.ReadRows());
    }

    [Fact]
    public async Task Unsigned_wrongly_signed_stale_and_tampered_requests_get_401_and_are_not_written()
    {
        var unsigned = await PostAsync(signer: null);
        var wrongSecret = await PostAsync(Signer("another-secret", DateTimeOffset.UtcNow));
        var stale = await PostAsync(Signer(Secret, DateTimeOffset.UtcNow - TimeSpan.FromMinutes(6)));
        var tampered = await PostAsync(Signer(Secret, DateTimeOffset.UtcNow), tamper: true);

        Assert.All([unsigned, wrongSecret, stale, tampered], r => Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode));
        Assert.Contains("5 minutes", await stale.Content.ReadAsStringAsync());
        Assert.Empty(_notifier.ReadRows());
        Assert.Equal(4, (await _notifier.StatsAsync()).Unauthorized);
    }

    private static WebhookSigner Signer(string secret, DateTimeOffset now) =>
        new(Options.Create(new WebhookOptions { Secret = secret }), new FakeTimeProvider(now));

    private async Task<HttpResponseMessage> PostAsync(WebhookSigner? signer, bool tamper = false)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new { userId = "alice", alertMessage = "disk full" });
        using var request = new HttpRequestMessage(HttpMethod.Post, "/webhook") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json");
        signer?.Sign(request, "alert-1", body);
        if (tamper) request.Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(new { userId = "mallory", alertMessage = "disk full" }));
        return await _notifier.Client.SendAsync(request);
    }
}
