namespace Alerts.Bench;

public sealed record BenchOptions(Uri Url, int Requests, int Concurrency, int Runs)
{
    public static BenchOptions Parse(string[] args)
    {
        string Value(string name, string fallback)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
        }

        return new BenchOptions(
            new Uri(Value("--url", "http://127.0.0.1:5080/webhook")),
            int.Parse(Value("--requests", "50000")),
            int.Parse(Value("--concurrency", "64")),
            int.Parse(Value("--runs", "3")));
    }
}
