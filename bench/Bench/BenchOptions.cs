using System.Globalization;
using Alerts.Bench.Processes;
using Alerts.Bench.Scenarios;

namespace Alerts.Bench;

/// <summary>
/// Command line (rows default to 20 s at the lower limit when one is set): <c>--rows 100000 --users 20000 --silos 1 --rate 0 --receiver-rate 0 --concurrency 64 --out bench/results</c>,
/// and <c>--scale --runs 3</c> to compare one silo with <c>--silos</c> silos instead of running the baseline, or
/// <c>--scenario NAME|all --outage 120</c> to run the misbehaving-receiver scenarios instead. <c>--files N</c> splits
/// the rows into N files dropped at once; <c>--pin C</c> gives each silo C cores of its own (taskset) and Redis, the
/// notifier and the gateway the cores left, emulating separate hosts on one big machine.
/// A rate of 0 means no limit (a budget far above what one box can send).
/// </summary>
public sealed record BenchOptions(int Rows, int Users, int Silos, double Rate, double ReceiverRate, int Concurrency, string Out, bool Scale = false, int Runs = 3)
{
    /// <summary>Whether --silos was given (the silo fault scenarios run three otherwise).</summary>
    public bool SilosGiven { get; init; }

    /// <summary>Whether --rows was given (scenarios size their files by the budget otherwise).</summary>
    public bool RowsGiven { get; init; }

    /// <summary>Receiver scenarios to run (empty: none).</summary>
    public IReadOnlyList<string> Scenarios { get; init; } = [];

    /// <summary>How many files the rows are split into, all dropped at once.</summary>
    public int Files { get; init; } = 1;

    /// <summary>Cores of its own for each silo (0: no pinning).</summary>
    public int Pin { get; init; }

    /// <summary>The cores each process may run on, when pinned.</summary>
    public CoreLayout? Cores { get; init; }

    /// <summary>How long the outage scenario's receiver refuses connections, in seconds.</summary>
    public double OutageSeconds { get; init; } = 120;

    /// <summary>Whether --outage was given (the silo fault scenarios default to their own length otherwise).</summary>
    public bool OutageGiven { get; init; }

    /// <summary>--cold: the silos get no warm-up file, as a user's first file after <c>make up</c> meets them.</summary>
    public bool Cold { get; init; }

    public const double Unlimited = 10_000_000;

    public double SenderBudget => Rate > 0 ? Rate : Unlimited;
    public double ReceiverLimit => ReceiverRate > 0 ? ReceiverRate : Unlimited;

    public static BenchOptions Parse(string[] args)
    {
        string Value(string name, string fallback)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
        }

        var rate = double.Parse(Value("--rate", "0"), CultureInfo.InvariantCulture);
        var receiverRate = double.Parse(Value("--receiver-rate", "0"), CultureInfo.InvariantCulture);
        var options = new BenchOptions(
            int.Parse(Value("--rows", $"{DefaultRows(rate, receiverRate)}"), CultureInfo.InvariantCulture),
            int.Parse(Value("--users", "20000"), CultureInfo.InvariantCulture),
            int.Parse(Value("--silos", args.Contains("--scale") || args.Contains("--scenario") ? "2" : "1"), CultureInfo.InvariantCulture),
            rate,
            receiverRate,
            int.Parse(Value("--concurrency", "64"), CultureInfo.InvariantCulture),
            Value("--out", Path.Combine(RepoPaths.Root, "bench", "results")),
            args.Contains("--scale"),
            int.Parse(Value("--runs", "3"), CultureInfo.InvariantCulture))
        {
            RowsGiven = args.Contains("--rows"),
            SilosGiven = args.Contains("--silos"),
            Scenarios = Value("--scenario", "") switch
            {
                "" => [],
                "all" => [.. ReceiverScenarios.All.Keys],
                var names => names.Split(','),
            },
            OutageSeconds = double.Parse(Value("--outage", "120"), CultureInfo.InvariantCulture),
            OutageGiven = args.Contains("--outage"),
            Files = int.Parse(Value("--files", "1"), CultureInfo.InvariantCulture),
            Pin = int.Parse(Value("--pin", "0"), CultureInfo.InvariantCulture),
            Cold = args.Contains("--cold"),
        };
        if (options.Files <= 0 || options.Files > options.Rows) throw new ArgumentException("--files must be between 1 and --rows");
        if (options.Pin < 0) throw new ArgumentException("--pin must be >= 0");
        if (options.Pin > 0) options = options with { Cores = CoreLayout.For(Environment.ProcessorCount, options.Silos, options.Pin) };
        if (options.Scenarios.FirstOrDefault(n => !ReceiverScenarios.All.ContainsKey(n)) is { } unknown)
            throw new ArgumentException($"--scenario {unknown}: known are {string.Join(", ", ReceiverScenarios.All.Keys)} and all");
        if (options.Rows <= 0 || options.Users <= 0 || options.Silos <= 0 || options.Concurrency <= 0 || options.Runs <= 0)
            throw new ArgumentException("--rows, --users, --silos, --concurrency and --runs must be > 0");
        if (options.Scale && options.Silos < 2) throw new ArgumentException("--scale compares one silo with --silos silos: give --silos 2 or more");
        return options;
    }

    /// <summary>100,000 rows, or 20 seconds' worth at the lower of the limits set.</summary>
    private static int DefaultRows(double rate, double receiverRate)
    {
        var limits = new[] { rate, receiverRate }.Where(r => r > 0).ToList();
        return limits.Count == 0 ? 100_000 : (int)Math.Ceiling(20 * limits.Min());
    }
}
