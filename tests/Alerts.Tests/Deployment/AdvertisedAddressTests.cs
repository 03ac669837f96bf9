using System.Net;
using System.Net.Sockets;
using Alerts.Grains.Hosting;
using Microsoft.Extensions.Options;

namespace Alerts.Tests.Deployment;

/// <summary>How a silo told <c>Orleans:AdvertisedHost=auto</c> finds the address it advertises.</summary>
public sealed class AdvertisedAddressTests
{
    [Theory]
    [InlineData("auto", true)]
    [InlineData(" AUTO ", true)]
    [InlineData("silo1", false)]
    [InlineData("10.0.0.5", false)]
    [InlineData(null, false)]
    public void Only_auto_asks_for_the_hosts_own_address(string? host, bool auto) =>
        Assert.Equal(auto, AdvertisedAddress.IsAuto(host));

    [Fact]
    public void The_first_IPv4_address_the_host_name_resolves_to_is_advertised()
    {
        var address = AdvertisedAddress.OfHost("c0ffee", name =>
            name == "c0ffee" ? [IPAddress.Parse("fd00::5"), IPAddress.Parse("172.18.0.5"), IPAddress.Parse("172.19.0.7")] : []);

        Assert.Equal(IPAddress.Parse("172.18.0.5"), address);
    }

    [Fact]
    public void Loopback_addresses_are_passed_over()
    {
        var address = AdvertisedAddress.OfHost("host", _ => [IPAddress.Parse("127.0.1.1"), IPAddress.Loopback, IPAddress.Parse("10.1.2.3")]);

        Assert.Equal(IPAddress.Parse("10.1.2.3"), address);
    }

    [Fact]
    public void A_host_name_with_only_loopback_addresses_is_a_bad_setting()
    {
        var error = Assert.Throws<OptionsValidationException>(() =>
            AdvertisedAddress.OfHost("laptop", _ => [IPAddress.Parse("127.0.1.1"), IPAddress.IPv6Loopback]));

        Assert.Contains("Orleans:AdvertisedHost is auto, but this host's name 'laptop' resolves to no IPv4 address but loopback", SettingsProblems.Describe(error));
    }

    [Fact]
    public void A_host_name_that_does_not_resolve_is_a_bad_setting()
    {
        var error = Assert.Throws<OptionsValidationException>(() =>
            AdvertisedAddress.OfHost("nowhere", _ => throw new SocketException((int)SocketError.HostNotFound)));

        Assert.StartsWith("Orleans:AdvertisedHost is auto, but this host's name 'nowhere' does not resolve", SettingsProblems.Describe(error));
    }

    [Fact]
    public void This_host_resolves_to_an_address_or_says_why_not()
    {
        // Whatever this machine's resolver says, the answer is an IPv4 address other than loopback or a bad-setting line.
        try
        {
            var address = AdvertisedAddress.OfThisHost();
            Assert.Equal(AddressFamily.InterNetwork, address.AddressFamily);
            Assert.False(IPAddress.IsLoopback(address));
        }
        catch (OptionsValidationException error)
        {
            Assert.StartsWith("Orleans:AdvertisedHost is auto", SettingsProblems.Describe(error));
        }
    }
}
