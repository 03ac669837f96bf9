using Alerts.Gateway.Endpoints;
using Alerts.Gateway.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.UseAlertsClient();
builder.Services.Configure<GatewayOptions>(builder.Configuration.GetSection(GatewayOptions.Section));
builder.AddGatewayMetrics();
builder.Services.AddOpenApi();
builder.Services.AddProblemDetails();
builder.Services.AddExceptionHandler<ClusterErrors>();
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddHostedService<Alerts.Gateway.Uploads.PartSweeper>();
builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter()));

var app = builder.Build();
app.UseExceptionHandler();
app.MapOpenApi();
app.MapHealth();
app.MapMetrics();
app.MapFiles();
app.MapUpload();
app.MapRetry();
app.MapUsers();
await app.RunAsync();
