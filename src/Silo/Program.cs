using Microsoft.Extensions.Hosting;
using Alerts.Grains.Hosting;
using Alerts.Silo.Hosting;
using Microsoft.Extensions.Configuration;
using Orleans.Dashboard;

try
{
    // appsettings.json sits beside the binary; relative data paths still resolve against the working directory.
    var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
    builder.Services.AddAlertsGrainServices(builder.Configuration);
    builder.AddSiloEndpoints();
    builder.AddSiloTracing();
    builder.UseOrleans(silo =>
    {
        silo.UseAlertsCluster(builder.Configuration);
        if (SiloTracing.Enabled(builder.Configuration)) silo.AddActivityPropagation(); // a caller's trace goes on into its grain calls
        // The Orleans Dashboard's silo side (grain and silo statistics); the gateway serves its pages at /dashboard.
        if (builder.Configuration.GetValue("Alerts:Dashboard", true)) silo.AddDashboard();
    });

    var host = builder.Build();
    SettingsProblems.Check(host.Services);
    host.WarnWhenNotDurable(builder.Configuration);
    await host.RunAsync();
}
catch (Exception error) when (SettingsProblems.Describe(error) is { } problem)
{
    await Console.Error.WriteLineAsync($"alerts silo: bad setting: {problem}");
    return 2;
}
return 0;
