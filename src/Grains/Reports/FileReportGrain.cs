using Alerts.Grains.Files;
using Alerts.Grains.Files.Reading;
using Alerts.Grains.Interfaces;
using Alerts.Grains.Interfaces.Model;
using Alerts.Grains.Records;
using Orleans.Concurrency;

namespace Alerts.Grains.Reports;

/// <summary>
/// Streams a file's report: reads the file again, the ranges its segments have read in file order, and
/// looks up each batch's records (one read of the file's records per batch, no user's grain woken). Nothing of the file is held beyond one batch, so a
/// report of a million rows costs the same memory as one of a thousand. Not a stateless worker: an
/// enumeration lives in one activation, and a stateless worker's next call may reach another one.
/// Reentrant, so that several reports of one file stream side by side.
/// </summary>
[Reentrant]
public sealed class FileReportGrain(DeliveryRecords records) : Grain, IFileReportGrain
{
    private const int BatchRows = 1_000;

    public async IAsyncEnumerable<ReportLine> GetLinesAsync()
    {
        var fileId = this.GetPrimaryKeyString();
        if (await GrainFactory.GetGrain<IFileGrain>(fileId).GetReportSourceAsync() is not { } source) yield break;
        var rows = new ReportRows(fileId, source);
        var batch = new List<SourceRow>(BatchRows);
        foreach (var range in source.Read) // the segments' ranges, in file order
        {
            using var reader = AlertReaders.Open(new RowSource(source.Format, source.Path, range.End, source.MaxRowBytes, source.AlertMessage), range.Start, range.LinesBefore);
            var done = false;
            while (!done)
            {
                batch.Clear();
                while (batch.Count < BatchRows)
                {
                    if (reader.Read() is not { } row)
                    {
                        done = true;
                        break;
                    }
                    batch.Add(row);
                }
                foreach (var line in await DescribeAsync(rows, batch)) yield return line;
            }
        }
    }

    private async Task<IEnumerable<ReportLine>> DescribeAsync(ReportRows rows, List<SourceRow> batch)
    {
        var alertIds = batch.Select(r => r.IsValid ? rows.AlertIdOf(r) : null).ToArray(); // hashed once per row
        var keys = batch.Zip(alertIds).Where(r => r.Second is not null).Select(r => new RecordKey(rows.FileId, r.First.UserId!, r.Second!)).Distinct().ToList();
        var found = (await records.FindAsync(keys)).Where(r => r is not null).ToDictionary(r => r!.AlertId, r => r!);
        return batch.Select((row, i) => rows.Describe(row, alertIds[i], alertIds[i] is { } id ? found.GetValueOrDefault(id) : null));
    }
}
