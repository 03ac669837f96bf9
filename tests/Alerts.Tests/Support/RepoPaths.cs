using System.Reflection;

namespace Alerts.Tests.Support;

/// <summary>Where the built hosts are, for tests that run them as real processes.</summary>
public static class RepoPaths
{
    private static string Metadata(string key) =>
        typeof(RepoPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;

    public static string Root => Metadata("RepoRoot");

    public static string HostDll(string project) =>
        Path.Combine(Root, "src", project, "bin", Metadata("Configuration"), "net10.0", $"Alerts.{project}.dll");
}
