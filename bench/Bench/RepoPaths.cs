namespace Alerts.Bench;

/// <summary>Finds the repository (the folder holding Alerts.sln) and the built hosts in it.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Configuration { get; } = Environment.GetEnvironmentVariable("CONFIG") ?? "Release";

    public static string HostDll(string project) => Path.Combine(Root, "src", project, "bin", Configuration, "net10.0", $"Alerts.{project}.dll");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Alerts.sln"))) return dir.FullName;
        throw new InvalidOperationException("run the bench from inside the repository (Alerts.sln not found above it)");
    }
}
