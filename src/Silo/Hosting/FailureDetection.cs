using Orleans.Configuration;

namespace Alerts.Silo.Hosting;

/// <summary>
/// How soon a silo that stops answering without dying (frozen, cut off) is declared dead, so that its users' alerts,
/// segments and the rate limiter come back on the others. Orleans' own defaults never evicted a silo frozen for 45 s:
/// a vote is suppressed while the suspect sent anything within MaxProbeTimeout × NumMissedProbesLimit (4 × 5 s × 3 = 60 s).
/// With these, a frozen silo's last message is 9 s old by its third missed probe, and a cluster of 3 evicts it in
/// about 10-12 s. Every value can still be set by its Orleans name (<c>Orleans__Membership__ProbeTimeout</c>, …).
/// </summary>
public static class FailureDetection
{
    public static void ApplyDefaults(ClusterMembershipOptions options)
    {
        options.ProbeTimeout = TimeSpan.FromSeconds(2);
        options.MaxProbeTimeout = TimeSpan.FromSeconds(3);
        options.NumMissedProbesLimit = 3;
        options.NumVotesForDeathDeclaration = 2;
        // A silo that thaws after it was declared dead reads the table within this and stops (Orleans: 60 s).
        options.TableRefreshTimeout = TimeSpan.FromSeconds(10);
    }
}
