using System.Reflection;
using Alerts.Grains.Placement;
using Alerts.Tests.Grains;
using Alerts.Tests.Support;
using Orleans.Configuration;
using Orleans.TestingHost;

namespace Alerts.Tests.Placement;

/// <summary>
/// Users' directory entries live at their home: the ring Orleans' directory partitions grains on is the one
/// <see cref="HomeRing"/> places them by. Read through Orleans' internals on purpose: if a new Orleans cuts its ring
/// another way, this fails, not the cluster's speed quietly.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class DirectoryRingTests(ClusterFixture fixture)
{
    private static readonly Type MembershipService = OrleansType("DirectoryMembershipService");

    [Fact]
    public async Task Every_users_directory_entry_is_owned_by_its_home_silo()
    {
        var silos = fixture.Cluster.Silos.Select(s => s.SiloAddress).ToList();
        var ring = new HomeRing(silos);
        var users = Enumerable.Range(0, 20_000).Select(i => GrainId.Create("notification", $"user-{i}")).ToList();

        foreach (var silo in fixture.Cluster.Silos.Cast<InProcessSiloHandle>())
        {
            var directories = silo.SiloHost.Services.GetService(OrleansType("GrainDirectoryResolver"))!;
            Assert.Equal("DistributedGrainDirectory", directories.GetType().GetProperty("DefaultGrainDirectory")!.GetValue(directories)!.GetType().Name);
            var service = silo.SiloHost.Services.GetService(MembershipService)!;
            Assert.Equal(HomeRing.PartitionsPerSilo, (int)MembershipService.GetProperty("PartitionsPerSilo")!.GetValue(service)!);
            var view = await Eventually.Until(() => Task.FromResult(MembershipService.GetProperty("CurrentView")!.GetValue(service)!),
                v => ((IEnumerable<SiloAddress>)v.GetType().GetProperty("Members")!.GetValue(v)!).Count() == silos.Count,
                "the directory sees every silo");
            var tryGetOwner = view.GetType().GetMethod("TryGetOwner", BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance,
                [typeof(GrainId), typeof(SiloAddress).MakeByRefType(), OrleansType("IGrainDirectoryPartition").MakeByRefType()])!;

            var owners = users.Select(user =>
            {
                var arguments = new object?[] { user, null, null };
                Assert.True((bool)tryGetOwner.Invoke(view, arguments)!);
                return (SiloAddress)arguments[1]!;
            }).ToList();

            Assert.Equal(users.Select(ring.HomeOf), owners);
            Assert.All(silos, s => Assert.InRange(owners.Count(o => o.Equals(s)), users.Count * 0.4, users.Count * 0.6));
        }
    }

    private static Type OrleansType(string name) =>
        typeof(GrainDirectoryOptions).Assembly.GetType($"Orleans.Runtime.GrainDirectory.{name}", throwOnError: true)!;
}
