using Alerts.Gateway.Endpoints;
using Alerts.Gateway.Access;
using Alerts.Gateway.Hosting;
using Orleans.Dashboard;

try
{
    var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, WebRootPath = Path.Combine(AppContext.BaseDirectory, "wwwroot") });
    var loopbackOnly = builder.ListenSafely();
    builder.UseAlertsClient();
    builder.Services.AddOptions<GatewayOptions>().Bind(builder.Configuration.GetSection(GatewayOptions.Section))
        .Validate(o => o.MaxUploadBytes > 0, $"{GatewayOptions.Section}:MaxUploadBytes must be > 0")
        .Validate(o => o.UploadIdleTimeout > TimeSpan.Zero, $"{GatewayOptions.Section}:UploadIdleTimeout must be > 0")
        .ValidateOnStart();
    builder.AddGatewayMetrics();
    builder.AddGatewayTracing();
    builder.AddApiDocs();
    builder.Services.AddProblemDetails();
    builder.Services.AddExceptionHandler<ClusterErrors>();
    builder.Services.AddSingleton(TimeProvider.System);
    builder.Services.AddHostedService<Alerts.Gateway.Uploads.PartSweeper>();
    builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter()));

    var app = builder.Build();
    // Settings are read here, so that a bad one fails before the host starts (and logs it at length).
    _ = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<GatewayOptions>>().Value;
    _ = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Orleans.Configuration.ClientMessagingOptions>>().Value;
    if (loopbackOnly is { } urls) app.Logger.LogWarning("No Gateway:ApiKey is set: listening on loopback only ({Urls}); set one to serve other hosts", urls);
    app.UseExceptionHandler();
    app.UseDefaultFiles(); // the status page at /
    app.UseStaticFiles();
    app.UseMiddleware<ApiKeyCheck>();
    app.UseMiddleware<WaitForCluster>();
    app.MapApiDocs();
    app.MapOrleansDashboard("/dashboard").ExcludeFromDescription();
    app.MapHealth();
    app.MapSession();
    app.MapMetrics();
    app.MapFiles();
    app.MapUpload();
    app.MapRetry();
    app.MapDelivery();
    app.MapUsers();
    await app.RunAsync();
}
catch (Exception error) when (BadSetting.Describe(error) is { } problem)
{
    await Console.Error.WriteLineAsync($"alerts gateway: bad setting: {problem}");
    return 2;
}
return 0;
