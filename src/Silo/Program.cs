using Microsoft.Extensions.Hosting;
using Alerts.Grains.Hosting;
using Alerts.Silo.Hosting;

var builder = Host.CreateApplicationBuilder(args);
builder.Services.AddAlertsGrainServices(builder.Configuration);
builder.UseOrleans(silo => silo.UseAlertsCluster(builder.Configuration));

var host = builder.Build();
host.WarnWhenNotDurable(builder.Configuration);
await host.RunAsync();
