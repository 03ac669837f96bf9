using System.Net;
using System.Net.Sockets;

namespace Alerts.Tests.Support;

/// <summary>
/// A free loopback port for a process a test starts. Chosen below the kernel's range for outgoing connections: a port
/// the kernel handed out (port 0) can be taken again as the source of an outgoing connection before the process binds
/// it ("address already in use"). Never the same port twice in one test run.
/// </summary>
public static class FreePort
{
    private static readonly Lock Gate = new();
    private static readonly HashSet<int> Given = [];
    private static readonly (int Low, int High) Range = Below(EphemeralLow());

    public static int Next()
    {
        lock (Gate)
        {
            for (var tries = 0; tries < 1_000; tries++)
            {
                var port = Random.Shared.Next(Range.Low, Range.High);
                if (Given.Contains(port) || !Bindable(port)) continue;
                Given.Add(port);
                return port;
            }
        }
        using var listener = new TcpListener(IPAddress.Loopback, 0); // the range is crowded: let the kernel choose
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static bool Bindable(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int EphemeralLow()
    {
        try
        {
            return int.Parse(File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries)[0]);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException or FormatException)
        {
            return 32_768;
        }
    }

    // Well above the ports our hosts use by default (5000, 6379, 9464, 11111, 30000 and their neighbours).
    private static (int Low, int High) Below(int ephemeralLow) => ephemeralLow > 22_000 ? (12_000, Math.Min(ephemeralLow, 29_000)) : (ephemeralLow / 2, ephemeralLow);
}
