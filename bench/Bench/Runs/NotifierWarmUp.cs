using System.Text;

namespace Alerts.Bench.Runs;

/// <summary>
/// A webhook in production is warm; a fresh notifier is not, and its first requests stall while it
/// compiles, then arrive in a burst. Warms it with requests it refuses (400: nothing is written), then
/// waits out its one-second limit window, so both runs start against a warm, empty receiver.
/// </summary>
public static class NotifierWarmUp
{
    private const int Requests = 300;

    public static async Task RunAsync(HttpClient notifier)
    {
        await Task.WhenAll(Enumerable.Range(0, Requests).Select(async _ =>
        {
            using var response = await notifier.PostAsync("/webhook", new StringContent("{}", Encoding.UTF8, "application/json"));
        }));
        await Task.Delay(TimeSpan.FromSeconds(1.5));
    }
}
