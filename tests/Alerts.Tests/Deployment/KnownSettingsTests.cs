using Alerts.Grains.Hosting;
using Microsoft.Extensions.Configuration;

namespace Alerts.Tests.Deployment;

/// <summary>The settings a deployment may set under <c>Alerts</c> are known, and a misspelt one is not.</summary>
public sealed class KnownSettingsTests
{
    [Theory]
    [InlineData("Alerts:Records:Retention", "7.00:00:00")]
    [InlineData("Alerts:Records:CommitInterval", "00:00:00.010")]
    [InlineData("Alerts:UploadIdleTimeout", "00:00:30")]
    [InlineData("Alerts:MaxUploadBytes", "1024")]
    [InlineData("Alerts:MetricsHost", "*")]
    public void A_documented_setting_is_not_called_unknown(string key, string value) =>
        Assert.Empty(SettingsProblems.Unknown(Configuration((key, value))));

    [Theory]
    [InlineData("Alerts:Records:Retension")]
    [InlineData("Alerts:Record:Retention")]
    public void A_misspelt_setting_is_called_unknown(string key) =>
        Assert.NotEmpty(SettingsProblems.Unknown(Configuration((key, "1"))));

    private static IConfiguration Configuration(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value))).Build();
}
