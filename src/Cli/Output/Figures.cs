using System.Globalization;

namespace Alerts.Cli.Output;

/// <summary>How counts, rates and durations read on the terminal.</summary>
public static class Figures
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Count(long n) => n.ToString("N0", Invariant);

    public static string Rate(double perSecond) => perSecond > 0 ? $"{perSecond.ToString(perSecond < 10 ? "0.0" : "N0", Invariant)}/s" : "-";

    public static string Percent(double fraction) => $"{Math.Floor(Math.Clamp(fraction, 0, 1) * 100).ToString(Invariant)}%";

    /// <summary>42s, 3m05s, 2h07m; "-" when there is no estimate.</summary>
    public static string Eta(double? seconds)
    {
        if (seconds is not { } s || double.IsNaN(s) || s < 0) return "-";
        var t = TimeSpan.FromSeconds(Math.Ceiling(Math.Min(s, TimeSpan.MaxValue.TotalSeconds / 2)));
        return t.TotalHours >= 1 ? $"{(long)t.TotalHours}h{t.Minutes:00}m"
            : t.TotalMinutes >= 1 ? $"{t.Minutes}m{t.Seconds:00}s"
            : $"{t.Seconds}s";
    }

    public static string Time(DateTimeOffset? at) => at?.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", Invariant) ?? "-";
}
