using Alerts.Grains.Interfaces;
using Alerts.Tests.Grains;
using Alerts.Tests.Support;

namespace Alerts.Tests.RateLimiting;

/// <summary>Two silos sharing a budget of 2,000 permits a second: theirs, not 2,000 each.</summary>
public sealed class ClusterBudgetTests(ClusterBudgetTests.BudgetClusterFixture fixture) : IClassFixture<ClusterBudgetTests.BudgetClusterFixture>
{
    private const int Budget = 2_000;
    private const int Burst = 600; // 1.5 lease periods of 200 ms

    [Fact]
    public async Task A_budget_of_2000_a_second_is_never_exceeded_in_any_second_and_both_silos_share_it()
    {
        fixture.Webhook.Reset();
        var content = InboxFiles.Csv("budget", rows: 12_000, users: 3_000);
        var fileId = InboxFiles.FileId(content);

        await fixture.StartFileAsync(fileId, content);
        await fixture.CompletedAsync(fileId, TimeSpan.FromMinutes(2));

        var arrivals = fixture.Webhook.Calls.Select(c => c.At).Order().ToArray();
        Assert.Equal(12_000, fixture.Webhook.AcceptedFor("budget-").Count());
        Assert.True(MostInAnySecond(arrivals) <= Budget + Burst, $"{MostInAnySecond(arrivals)} requests in one second");
        var stats = await fixture.Grains.GetGrain<IRateLimiterGrain>(fixture.Webhook.Url).GetStatsAsync();
        Assert.Equal(2, stats.Granted.Count);
        Assert.All(stats.Granted.Values, granted => Assert.True(granted >= stats.Granted.Values.Sum() / 4, $"shares {string.Join(", ", stats.Granted.Values)}"));
    }

    private static int MostInAnySecond(DateTimeOffset[] arrivals)
    {
        var most = 0;
        for (int first = 0, last = 0; first < arrivals.Length; first++)
        {
            while (last < arrivals.Length && arrivals[last] < arrivals[first] + TimeSpan.FromSeconds(1)) last++;
            most = Math.Max(most, last - first);
        }
        return most;
    }

    public sealed class BudgetClusterFixture : ClusterFixture
    {
        public override int PermitsPerSecond => Budget;
    }
}
