namespace Alerts.Tests.Support;

/// <summary>A fresh folder under the system temp folder, deleted on dispose unless <c>ALERTS_KEEP_TEST_DATA=1</c> (logs to read after a failure).</summary>
public sealed class TempFolder : IDisposable
{
    public TempFolder() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "alerts-tests", Guid.NewGuid().ToString("n")[..12]);

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public void Dispose()
    {
        if (Environment.GetEnvironmentVariable("ALERTS_KEEP_TEST_DATA") == "1") return;
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { } // a process may still hold a log open
    }
}
