using System.Globalization;
using System.Text;

namespace Alerts.Bench.Reporting;

/// <summary>Delivered per second over time, end to end beside the baseline, with the budget and receiver limit as lines.</summary>
public static class SvgChart
{
    private const int Width = 800, Height = 400, Left = 70, Right = 20, Top = 40, Bottom = 50;

    public static string Draw(BenchReport report)
    {
        var e2e = report.EndToEnd.PerSecond;
        var baseline = report.Baseline.PerSecond;
        var limits = new[] { report.Options.SenderBudget, report.Options.ReceiverLimit }.Where(l => l < BenchOptions.Unlimited).ToList();
        var highest = new[] { e2e.DefaultIfEmpty().Max(), baseline.DefaultIfEmpty().Max(), limits.DefaultIfEmpty().Max() }.Max();
        var maxY = Math.Max(1, highest) * 1.1;
        var maxX = Math.Max(1, Math.Max(e2e.Length, baseline.Length));
        double X(double second) => Left + second / maxX * (Width - Left - Right);
        double Y(double value) => Height - Bottom - value / maxY * (Height - Top - Bottom);

        var svg = new StringBuilder();
        svg.Append(Invariant($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" font-family=\"sans-serif\" font-size=\"12\">"));
        svg.Append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>");
        svg.Append(Invariant($"<text x=\"{Left}\" y=\"20\" font-size=\"14\">Delivered per second — {report.Options.Rows:N0} rows, {report.Options.Silos} silo(s)</text>"));
        svg.Append(Invariant($"<line x1=\"{Left}\" y1=\"{Y(0)}\" x2=\"{Width - Right}\" y2=\"{Y(0)}\" stroke=\"black\"/><line x1=\"{Left}\" y1=\"{Top}\" x2=\"{Left}\" y2=\"{Y(0)}\" stroke=\"black\"/>"));
        for (var i = 0; i <= 4; i++)
        {
            var value = maxY * i / 4;
            svg.Append(Invariant($"<text x=\"{Left - 8}\" y=\"{Y(value) + 4:F1}\" text-anchor=\"end\">{value:N0}</text>"));
            svg.Append(Invariant($"<text x=\"{X(maxX * i / 4.0):F1}\" y=\"{Height - Bottom + 18}\" text-anchor=\"middle\">{maxX * i / 4.0:N0} s</text>"));
        }
        foreach (var limit in limits)
            svg.Append(Invariant($"<line x1=\"{Left}\" y1=\"{Y(limit):F1}\" x2=\"{Width - Right}\" y2=\"{Y(limit):F1}\" stroke=\"gray\" stroke-dasharray=\"4 4\"/><text x=\"{Width - Right}\" y=\"{Y(limit) - 4:F1}\" text-anchor=\"end\" fill=\"gray\">{limit:N0}/s</text>"));
        svg.Append(Series(baseline, X, Y, "#999999"));
        svg.Append(Series(e2e, X, Y, "#1f77b4"));
        svg.Append(Invariant($"<text x=\"{Left + 10}\" y=\"{Height - 10}\" fill=\"#1f77b4\">end to end</text><text x=\"{Left + 110}\" y=\"{Height - 10}\" fill=\"#999999\">plain baseline</text>"));
        svg.Append("</svg>");
        return svg.ToString();
    }

    private static string Series(int[] perSecond, Func<double, double> x, Func<double, double> y, string colour)
    {
        var points = string.Join(' ', perSecond.Select((count, second) => Invariant($"{x(second + 0.5):F1},{y(count):F1}")));
        return $"<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\" points=\"{points}\"/>";
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
