namespace Alerts.Notifier.Storage;

/// <summary>The notifier's files: the delivered rows and the log of idempotency keys already honoured.</summary>
public sealed class OutputFiles(string outputDir)
{
    public const string RowsFileName = "alerts.csv";
    public const string KeysFileName = "idempotency-keys.log";

    public string RowsPath { get; } = Path.Combine(outputDir, RowsFileName);
    public string KeysPath { get; } = Path.Combine(outputDir, KeysFileName);

    public FileStream OpenRows() => OpenAppend(RowsPath);
    public FileStream OpenKeys() => OpenAppend(KeysPath);

    /// <summary>Keys survive restarts, so a repeat after a notifier restart is still dropped.</summary>
    public HashSet<string> LoadKeys() =>
        File.Exists(KeysPath) ? File.ReadLines(KeysPath).Where(k => k.Length > 0).ToHashSet() : [];

    private static FileStream OpenAppend(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        return new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read, bufferSize: 1 << 16);
    }
}
