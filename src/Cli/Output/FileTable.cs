using Alerts.Cli.Api;

namespace Alerts.Cli.Output;

/// <summary>Files as a plain text table, one line each, aligned; greppable and stable for scripts.</summary>
public static class FileTable
{
    private const int IdShown = 12;
    private const int NameShown = 40;

    private static readonly string[] Header = ["ID", "NAME", "STATUS", "DELIVERED/VALID", "DEAD", "INVALID", "RATE", "ETA"];

    public static void Write(IReadOnlyList<FileSummary> files, TextWriter output)
    {
        if (files.Count == 0)
        {
            output.WriteLine("no files yet");
            return;
        }
        var rows = files.Select(Cells).Prepend(Header).ToList();
        var widths = Enumerable.Range(0, Header.Length).Select(c => rows.Max(r => r[c].Length)).ToArray();
        // Text columns left-aligned, figures right-aligned.
        foreach (var row in rows)
            output.WriteLine(string.Join("  ", row.Select((cell, c) => c < 3 ? cell.PadRight(widths[c]) : cell.PadLeft(widths[c]))).TrimEnd());
    }

    private static string[] Cells(FileSummary f) =>
    [
        f.FileId[..Math.Min(IdShown, f.FileId.Length)],
        f.Name.Length > NameShown ? f.Name[..(NameShown - 1)] + "…" : f.Name,
        f.Status,
        $"{Figures.Count(f.Delivered)}/{Figures.Count(f.Valid)}",
        Figures.Count(f.DeadLettered),
        Figures.Count(f.Invalid),
        f.IsFinished ? "-" : Figures.Rate(f.Rate),
        f.IsFinished ? "-" : Figures.Eta(f.EtaSeconds),
    ];
}
