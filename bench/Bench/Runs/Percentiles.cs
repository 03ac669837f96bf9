namespace Alerts.Bench.Runs;

public static class Percentiles
{
    /// <summary>The value below which <paramref name="fraction"/> of the sorted values fall.</summary>
    public static double Of(IReadOnlyList<double> sorted, double fraction) =>
        sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)(sorted.Count * fraction))];

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    /// <summary>Counts per whole second since <paramref name="start"/>.</summary>
    public static int[] PerSecond(IEnumerable<DateTimeOffset> times, DateTimeOffset start)
    {
        var seconds = times.Select(t => (int)Math.Floor((t - start).TotalSeconds)).Where(s => s >= 0).ToList();
        var counts = new int[seconds.Count == 0 ? 0 : seconds.Max() + 1];
        foreach (var s in seconds) counts[s]++;
        return counts;
    }
}
