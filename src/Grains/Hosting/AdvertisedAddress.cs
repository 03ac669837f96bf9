using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace Alerts.Grains.Hosting;

/// <summary>
/// The address a silo advertises when <c>Orleans:AdvertisedHost</c> is <c>auto</c>: the first IPv4 address its own
/// host name resolves to, loopback excluded. In a container that is the container's address, so every replica of
/// one service (<c>docker compose up --scale silo=3</c>, a Kubernetes Deployment) finds its own from one setting.
/// </summary>
public static class AdvertisedAddress
{
    /// <summary>The <c>Orleans:AdvertisedHost</c> value that asks for this host's own address.</summary>
    public const string Auto = "auto";

    private const string Setting = "Orleans:AdvertisedHost";

    public static bool IsAuto(string? host) => string.Equals(host?.Trim(), Auto, StringComparison.OrdinalIgnoreCase);

    /// <summary>This host's own address, as the system's resolver gives it for <see cref="Dns.GetHostName"/>.</summary>
    public static IPAddress OfThisHost() => OfHost(Dns.GetHostName(), Dns.GetHostAddresses);

    /// <summary>
    /// The first IPv4 address <paramref name="hostName"/> resolves to that is not loopback (Debian-style hosts map their
    /// own name to 127.0.1.1, which no other silo could reach). Fails naming the setting when there is none.
    /// </summary>
    public static IPAddress OfHost(string hostName, Func<string, IPAddress[]> resolve)
    {
        IPAddress[] addresses;
        try
        {
            addresses = resolve(hostName);
        }
        catch (SocketException error)
        {
            throw Problem($"{Setting} is {Auto}, but this host's name '{hostName}' does not resolve ({error.Message}): set it to a name or address the other silos can reach");
        }
        return addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))
            ?? throw Problem($"{Setting} is {Auto}, but this host's name '{hostName}' resolves to no IPv4 address but loopback: set it to a name or address the other silos can reach");
    }

    // An options failure, so that the silo stops with one line naming the setting, like any other bad value.
    private static OptionsValidationException Problem(string message) => new(Setting, typeof(IPAddress), [message]);
}
