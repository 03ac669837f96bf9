using Alerts.Notifier.Chaos;
using Alerts.Notifier.Hosting;

namespace Alerts.Tests.Notifier;

public sealed class ChaosOptionsTests
{
    [Theory]
    [InlineData("LatencyMs", -1)]
    [InlineData("ThrottleShare", 1.5)]
    [InlineData("HangShare", -0.1)]
    [InlineData("RedirectStatus", 305)]
    [InlineData("OutageStatus", 200)]
    [InlineData("BodyBytes", -5)]
    public void Invalid_settings_are_named_in_the_errors(string setting, double value)
    {
        var profile = new ChaosOptions();
        var property = typeof(ChaosOptions).GetProperty(setting)!;
        property.SetValue(profile, Convert.ChangeType(value, property.PropertyType));

        Assert.Contains(profile.Validate(), e => e.StartsWith($"Notifier:Chaos:{setting} "));
        Assert.Empty(new ChaosOptions().Validate());
        Assert.Empty(new NotifierOptions().Validate());
    }

    [Fact]
    public void A_redirect_needs_an_absolute_location()
    {
        var errors = new ChaosOptions { RedirectStatus = 307, RedirectTo = "/elsewhere" }.Validate().ToList();

        Assert.Equal(["Notifier:Chaos:RedirectTo must be an absolute http(s) URL when RedirectStatus is set"], errors);
    }
}
