using Alerts.Cli.Api;

namespace Alerts.Cli.Output;

/// <summary>One file's status as labelled lines, then its first invalid rows and dead letters.</summary>
public static class FileDetails
{
    private const int SampleShown = 10;

    public static void Write(FileSummary f, TextWriter output)
    {
        Line(output, "file", f.FileId);
        Line(output, "name", f.Name);
        Line(output, "status", f.Status);
        Line(output, "rows", $"{Figures.Count(f.Rows)} ({Figures.Count(f.Valid)} valid, {Figures.Count(f.Invalid)} invalid, {Figures.Count(f.DuplicateRows)} duplicate)");
        Line(output, "delivered", $"{Figures.Count(f.Delivered)} of {Figures.Count(f.Valid)}");
        Line(output, "dead letters", Figures.Count(f.DeadLettered));
        Line(output, "pending", Figures.Count(f.Pending));
        Line(output, "read", Figures.Percent(f.Progress));
        if (!f.IsFinished)
        {
            Line(output, "rate", Figures.Rate(f.Rate));
            Line(output, "eta", Figures.Eta(f.EtaSeconds));
        }
        Line(output, "discovered", Figures.Time(f.DiscoveredAt));
        if (f.CompletedAt is not null) Line(output, "finished", Figures.Time(f.CompletedAt));
        if (f.Path is not null) Line(output, "path", f.Path);
        if (f.Warning is not null) Line(output, "warning", f.Warning);
        if (f.Error is not null) Line(output, "error", f.Error);
        WriteInvalidRows(f, output);
        Sample(output, "first dead letters", f.DeadLetters, f.DeadLettered,
            d => $"line {d.Line}: {(d.HttpStatus is { } status ? $"HTTP {status}" : "no answer")}{(d.Error is null ? "" : $", {d.Error}")}");
    }

    /// <summary>The file's first invalid rows with their reasons, if it has any.</summary>
    public static void WriteInvalidRows(FileSummary f, TextWriter output) =>
        Sample(output, "first invalid rows", f.InvalidRows, f.Invalid, r => $"line {r.Line}: {r.Reason}");

    private static void Line(TextWriter output, string label, string value) => output.WriteLine($"{label + ":",-14}{value}");

    private static void Sample<T>(TextWriter output, string title, IReadOnlyList<T> items, long total, Func<T, string> describe)
    {
        if (items.Count == 0) return;
        output.WriteLine($"{title}:");
        foreach (var item in items.Take(SampleShown)) output.WriteLine($"  {OneLine(describe(item))}");
        if (total > SampleShown) output.WriteLine($"  … {Figures.Count(total - SampleShown)} more (alerts report lists every row)");
    }

    // A receiver's error body may span lines; a sample stays one line per item.
    private static string OneLine(string text) => string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries));
}
