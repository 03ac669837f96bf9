namespace Alerts.Grains.Files.Reading;

/// <summary>Reads alert rows from a byte offset, reporting where each starts so a file can resume exactly.</summary>
internal interface IAlertReader : IDisposable
{
    /// <summary>Byte offset just past the last record read: where a resume starts.</summary>
    long Offset { get; }

    /// <summary>Physical lines consumed so far, counted from the start of the file.</summary>
    long Lines { get; }

    /// <summary>The next row (a header is skipped), or null at the end of the file.</summary>
    SourceRow? Read();
}
