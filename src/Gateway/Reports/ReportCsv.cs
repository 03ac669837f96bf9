using System.Globalization;
using System.Text;
using Alerts.Grains.Interfaces;
using CsvHelper;
using CsvHelper.Configuration;

namespace Alerts.Gateway.Reports;

/// <summary>Writes a file's report as CSV while it streams from the cluster, a batch at a time, safe to open in a spreadsheet.</summary>
internal static class ReportCsv
{
    private const int BatchSize = 500;
    // User ids and receivers' error texts are kept verbatim; a cell starting with =, +, - or @ would be a formula in a
    // spreadsheet, so such cells get a leading apostrophe.
    private static readonly CsvConfiguration Configuration = new(CultureInfo.InvariantCulture) { InjectionOptions = InjectionOptions.Escape };
    private static readonly string[] Header = ["line", "userId", "status", "attempts", "httpStatus", "deliveredAt", "error"];

    public static async Task WriteAsync(IClusterClient cluster, string fileId, Stream output, CancellationToken cancellationToken)
    {
        await using var writer = new StreamWriter(output, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), leaveOpen: true);
        await using var csv = new CsvWriter(writer, Configuration);
        foreach (var name in Header) csv.WriteField(name);
        await csv.NextRecordAsync();
        var lines = cluster.GetGrain<IFileReportGrain>(fileId).GetLinesAsync().WithBatchSize(BatchSize);
        await foreach (var line in lines.WithCancellation(cancellationToken))
        {
            csv.WriteField(line.Line);
            csv.WriteField(line.UserId);
            csv.WriteField(line.Status.ToString());
            csv.WriteField(line.Attempts);
            csv.WriteField(line.HttpStatus);
            csv.WriteField(line.DeliveredAt?.ToString("O", CultureInfo.InvariantCulture));
            csv.WriteField(line.Error);
            await csv.NextRecordAsync();
        }
    }
}
