using System.Diagnostics;

namespace Alerts.Bench.Processes;

/// <summary>Runs <c>redis-cli</c> against the bench's Redis and returns what it printed.</summary>
public static class RedisCli
{
    public static string Run(int port, params string[] arguments)
    {
        var start = new ProcessStartInfo("redis-cli") { RedirectStandardOutput = true };
        start.ArgumentList.Add("-p");
        start.ArgumentList.Add($"{port}");
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return output;
    }
}
