namespace Alerts.Gateway.Access;

public static class AccessSetup
{
    /// <summary>
    /// Binds the API keys and sets the listen addresses: <c>--urls</c> as given when a key is set, else moved to
    /// loopback (default <c>http://127.0.0.1:5000</c>). Returns the addresses when they were held to loopback.
    /// </summary>
    public static string? ListenSafely(this WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(AccessOptions.Section);
        builder.Services.Configure<AccessOptions>(section);
        builder.Services.AddSingleton<ApiKeys>();
        var keyed = (section.Get<AccessOptions>() ?? new()).Keys.Count > 0;
        var urls = builder.Configuration["urls"] is { Length: > 0 } given ? given
            : builder.Configuration["ASPNETCORE_URLS"] is { Length: > 0 } env ? env : "http://127.0.0.1:5000";
        var listen = keyed ? urls : LoopbackUrls.Restrict(urls);
        builder.WebHost.UseUrls(listen);
        return keyed ? null : listen;
    }
}
