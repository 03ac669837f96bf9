using System.Diagnostics;
using System.Net.Http.Json;

namespace Alerts.Bench;

public sealed record LoadResult(int Requests, int Ok, int Throttled, int Errors, TimeSpan Elapsed, double P50Ms, double P99Ms)
{
    public double RequestsPerSecond => Ok / Elapsed.TotalSeconds;

    public override string ToString() =>
        $"{RequestsPerSecond:N0} req/s ({Ok:N0} ok, {Throttled:N0} throttled, {Errors:N0} errors in {Elapsed.TotalSeconds:N1} s), latency p50 {P50Ms:N2} ms, p99 {P99Ms:N2} ms";
}

/// <summary>Posts distinct alerts with unique idempotency keys from a fixed number of concurrent workers.</summary>
public static class WebhookLoad
{
    public static async Task<LoadResult> RunAsync(BenchOptions options)
    {
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = options.Concurrency });
        var latencies = new double[options.Requests];
        var next = -1;
        int ok = 0, throttled = 0, errors = 0;
        var batch = Guid.NewGuid().ToString("n")[..8];
        var clock = Stopwatch.StartNew();

        async Task WorkerAsync()
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < options.Requests)
            {
                var started = Stopwatch.GetTimestamp();
                using var request = new HttpRequestMessage(HttpMethod.Post, options.Url)
                {
                    Content = JsonContent.Create(new { userId = $"bench-{i % 10_000}", alertMessage = $"bench alert {i}" }),
                };
                request.Headers.Add("Idempotency-Key", $"{batch}-{i}");
                try
                {
                    using var response = await client.SendAsync(request);
                    if (response.IsSuccessStatusCode) Interlocked.Increment(ref ok);
                    else if ((int)response.StatusCode == 429) Interlocked.Increment(ref throttled);
                    else Interlocked.Increment(ref errors);
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref errors);
                }
                latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }
        }

        await Task.WhenAll(Enumerable.Range(0, options.Concurrency).Select(_ => Task.Run(WorkerAsync)));
        var elapsed = clock.Elapsed;
        Array.Sort(latencies);
        return new LoadResult(options.Requests, ok, throttled, errors, elapsed,
            latencies[latencies.Length / 2], latencies[(int)(latencies.Length * 0.99)]);
    }
}
