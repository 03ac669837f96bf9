using Alerts.Notifier.Chaos;
using Alerts.Notifier.Receiving;
using Alerts.Notifier.Storage;
using Microsoft.Extensions.Options;

namespace Alerts.Notifier.Hosting;

/// <summary>Builds the notifier web app; tests start it on a real port through this too.</summary>
public static class NotifierApp
{
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
            builder.WebHost.UseUrls("http://127.0.0.1:5080");
        builder.WebHost.ConfigureKestrel(k => k.ConfigureEndpointDefaults(listen => listen.RefuseConnectionsDuringOutages()));

        // Read and checked here, before the host is built, because the rate limiter is set up from these values.
        var options = builder.Configuration.GetSection(NotifierOptions.Section).Get<NotifierOptions>() ?? new();
        options.Secret = builder.Configuration[NotifierOptions.SecretKey];
        var errors = options.Validate().ToList();
        if (errors.Count > 0) throw new OptionsValidationException(NotifierOptions.Section, typeof(NotifierOptions), errors);
        builder.Services.AddSingleton(Options.Create(options));

        builder.Services.AddSingleton<NotifierStats>();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(sp => new ChaosScript(options.Chaos, sp.GetRequiredService<TimeProvider>(), Random.Shared));
        builder.Services.AddSingleton<SignatureVerifier>();
        builder.Services.AddSingleton<RowWriter>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<RowWriter>());
        builder.Services.AddClientRateLimiting(options);
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, NotifierJsonContext.Default));

        var app = builder.Build();
        app.Services.GetRequiredService<ChaosScript>(); // now, so that the start profile's time windows count from start
        app.UseRateLimiter();
        app.MapWebhook();
        app.MapChaos();
        app.MapGet("/stats", (NotifierStats stats) => stats.Snapshot());
        return app;
    }
}
