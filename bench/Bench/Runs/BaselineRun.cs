using System.Diagnostics;
using System.Net.Http.Json;
using Alerts.Bench.Processes;

namespace Alerts.Bench.Runs;

/// <summary>What a plain HttpClient loop achieves posting the same rows straight to a fresh notifier.</summary>
public sealed record BaselineResult(int Requests, int Ok, int Throttled, int Errors, double Seconds, double P50Ms, double P99Ms, double NotifierPeakMiB, int[] PerSecond)
{
    public double RequestsPerSecond => Ok / Seconds;
}

public static class BaselineRun
{
    public static async Task<BaselineResult> RunAsync(BenchOptions options, string work)
    {
        var port = BenchCluster.FreePort();
        await using var notifier = BenchCluster.StartNotifier(work, port, options.ReceiverLimit, options.Cores?.Rest);
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = options.Concurrency }) { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        await WaitForAsync(client);
        await NotifierWarmUp.RunAsync(client);

        var latencies = new double[options.Rows];
        var finished = new DateTimeOffset[options.Rows];
        int next = -1, ok = 0, throttled = 0, errors = 0;
        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();

        async Task WorkerAsync()
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < options.Rows)
            {
                var (user, message) = AlertRows.Row(i, options.Users);
                var begun = Stopwatch.GetTimestamp();
                using var request = new HttpRequestMessage(HttpMethod.Post, "/webhook") { Content = JsonContent.Create(new { userId = user, alertMessage = message }) };
                request.Headers.Add("Idempotency-Key", $"baseline-{i}");
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
                latencies[i] = Stopwatch.GetElapsedTime(begun).TotalMilliseconds;
                finished[i] = DateTimeOffset.UtcNow;
            }
        }

        await Task.WhenAll(Enumerable.Range(0, options.Concurrency).Select(_ => Task.Run(WorkerAsync)));
        var seconds = clock.Elapsed.TotalSeconds;
        Array.Sort(latencies);
        return new BaselineResult(options.Rows, ok, throttled, errors, seconds, Percentiles.Of(latencies, 0.5), Percentiles.Of(latencies, 0.99),
            notifier.PeakMemoryMiB(), Percentiles.PerSecond(finished, started));
    }

    private static async Task WaitForAsync(HttpClient client)
    {
        for (var i = 0; i < 120; i++)
        {
            try
            {
                (await client.GetAsync("/stats")).EnsureSuccessStatusCode();
                return;
            }
            catch (HttpRequestException)
            {
                await Task.Delay(250);
            }
        }
        throw new TimeoutException("the baseline notifier did not start");
    }
}
