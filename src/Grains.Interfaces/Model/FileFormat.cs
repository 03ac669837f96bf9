namespace Alerts.Grains.Interfaces.Model;

/// <summary>How a file's rows are written.</summary>
[GenerateSerializer, Alias("alerts.FileFormat")]
public enum FileFormat
{
    /// <summary>RFC 4180 CSV: <c>userId,alertMessage</c>, or <c>userId</c> alone with the message given with the file.</summary>
    Csv,
    /// <summary>One JSON object per line (<c>.jsonl</c>, <c>.ndjson</c>).</summary>
    JsonLines,
}

public static class FileFormats
{
    /// <summary>A file's format by its name: JSON Lines for <c>.jsonl</c> and <c>.ndjson</c>, any other CSV.</summary>
    public static FileFormat Of(string name) =>
        Path.GetExtension(name).ToLowerInvariant() is ".jsonl" or ".ndjson" ? FileFormat.JsonLines : FileFormat.Csv;
}
