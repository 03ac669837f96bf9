using Alerts.Tests.Support;

namespace Alerts.Tests.Integration;

/// <summary>A silo process started with settings that are wrong or misspelt (development mode: no Redis needed).</summary>
public sealed class SettingsTests : IDisposable
{
    private readonly TempFolder _folder = new();

    [Fact]
    public async Task A_bad_value_stops_the_silo_with_one_line_naming_it()
    {
        await using var silo = StartSilo(("Alerts__Webhook__PermitsPerSecond", "-5"));

        await Eventually.Until(() => silo.HasExited, "the silo exits", TimeSpan.FromSeconds(60));

        Assert.Equal(2, silo.ExitCode);
        var output = silo.Tail(200);
        Assert.Contains("alerts silo: bad setting: Alerts:Webhook:PermitsPerSecond must be > 0", output);
        Assert.True(!output.Contains("   at "), output); // no stack trace
    }

    [Theory]
    [InlineData("--Alerts:MaxUploadBytes=-5", "alerts gateway: bad setting: Alerts:MaxUploadBytes must be > 0")]
    [InlineData("--Orleans:ResponseTimeout=soon", "alerts gateway: bad setting: Failed to convert configuration value 'soon' at 'Orleans:ResponseTimeout'")]
    public async Task A_bad_value_stops_the_gateway_with_one_line_naming_it(string setting, string line)
    {
        await using var gateway = HostProcess.Start("Gateway", _folder.Combine($"gateway-{Guid.NewGuid():n}.log"),
            new Dictionary<string, string> { ["Alerts__DataRoot"] = _folder.Combine("data"), ["ConnectionStrings__Redis"] = "" },
            "--urls", $"http://127.0.0.1:{FreePort.Next()}", setting);

        await Eventually.Until(() => gateway.HasExited, "the gateway exits", TimeSpan.FromSeconds(60));

        Assert.Equal(2, gateway.ExitCode);
        Assert.StartsWith(line, gateway.Tail(200).Trim());
        Assert.DoesNotContain("   at ", gateway.Tail(200)); // no stack trace
    }

    [Fact]
    public async Task A_misspelt_key_is_warned_about_at_start()
    {
        await using var silo = StartSilo(("Alerts__Webhook__PermitPerSecond", "5"), ("Alerts__Files__QuietPeriod", "00:00:01"));

        await Eventually.Until(() => silo.Tail(200).Contains("is not a setting"), $"the warning\n{silo.Tail()}", TimeSpan.FromSeconds(60));

        Assert.Contains("Alerts:Webhook:PermitPerSecond is not a setting (misspelt?): it is ignored", silo.Tail(200));
        Assert.DoesNotContain("QuietPeriod is not a setting", silo.Tail(200));
    }

    private HostProcess StartSilo(params (string Key, string Value)[] settings)
    {
        var environment = new Dictionary<string, string>
        {
            ["Orleans__SiloPort"] = $"{FreePort.Next()}",
            ["Orleans__GatewayPort"] = $"{FreePort.Next()}",
            ["Alerts__DataRoot"] = _folder.Combine("data"),
            ["ConnectionStrings__Redis"] = "",
        };
        foreach (var (key, value) in settings) environment[key] = value;
        return HostProcess.Start("Silo", _folder.Combine($"silo-{Guid.NewGuid():n}.log"), environment);
    }

    public void Dispose() => _folder.Dispose();
}
