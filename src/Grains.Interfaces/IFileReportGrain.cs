using Alerts.Grains.Interfaces.Model;

namespace Alerts.Grains.Interfaces;

/// <summary>Builds a file's per-alert report, keyed by file id, by reading the file again beside its users' records.</summary>
[Alias("alerts.IFileReportGrain")]
public interface IFileReportGrain : IGrainWithStringKey
{
    /// <summary>One line per row read so far, in file order, streamed in batches: the file's size does not matter.</summary>
    IAsyncEnumerable<ReportLine> GetLinesAsync();
}
