using Alerts.Gateway.Endpoints;
using Alerts.Gateway.Access;
using Alerts.Gateway.Hosting;
using Orleans.Dashboard;

var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, WebRootPath = Path.Combine(AppContext.BaseDirectory, "wwwroot") });
var loopbackOnly = builder.ListenSafely();
builder.UseAlertsClient();
builder.Services.Configure<GatewayOptions>(builder.Configuration.GetSection(GatewayOptions.Section));
builder.AddGatewayMetrics();
builder.AddGatewayTracing();
builder.AddApiDocs();
builder.Services.AddProblemDetails();
builder.Services.AddExceptionHandler<ClusterErrors>();
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddHostedService<Alerts.Gateway.Uploads.PartSweeper>();
builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter()));

var app = builder.Build();
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
app.MapUsers();
await app.RunAsync();
