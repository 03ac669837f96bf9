using System.Net;
using Alerts.Grains.Placement;

namespace Alerts.Tests.Placement;

public sealed class HomeRingTests
{
    private static readonly uint[] Keys = [.. Enumerable.Range(0, 60_000).Select(i => GrainId.Create("user", $"user-{i}").GetUniformHashCode())];

    private static SiloAddress Silo(int port, int generation = 1) => SiloAddress.New(new IPEndPoint(IPAddress.Loopback, port), generation);

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Each_silo_is_home_to_an_even_share_of_keys(int silos)
    {
        var ring = new HomeRing(Enumerable.Range(0, silos).Select(i => Silo(11_111 + i)));

        var shares = Keys.GroupBy(key => ring.HomeOf(key)).Select(g => (double)g.Count() / Keys.Length).ToList();

        Assert.Equal(silos, shares.Count);
        Assert.All(shares, share => Assert.InRange(share, 0.9 / silos, 1.1 / silos));
    }

    [Fact]
    public void A_silo_that_joins_takes_keys_only_for_itself()
    {
        var before = new HomeRing([Silo(11_111), Silo(11_112)]);
        var after = new HomeRing([Silo(11_111), Silo(11_112), Silo(11_113)]);

        var moved = Keys.Where(key => !Equals(before.HomeOf(key), after.HomeOf(key))).ToList();

        Assert.All(moved, key => Assert.Equal(Silo(11_113), after.HomeOf(key)));
        Assert.InRange((double)moved.Count / Keys.Length, 0.3, 0.37);
    }

    [Fact]
    public void Every_silo_agrees_whatever_order_it_saw_the_members_in()
    {
        var one = new HomeRing([Silo(11_111), Silo(11_112), Silo(11_113)]);
        var other = new HomeRing([Silo(11_113), Silo(11_111), Silo(11_112), Silo(11_111)]);

        Assert.All(Keys, key => Assert.Equal(one.HomeOf(key), other.HomeOf(key)));
    }

    [Fact]
    public void A_restarted_silo_on_the_same_port_is_another_home()
    {
        var before = new HomeRing([Silo(11_111, generation: 1), Silo(11_112)]);
        var after = new HomeRing([Silo(11_111, generation: 2), Silo(11_112)]);

        Assert.Contains(Keys, key => Equals(after.HomeOf(key), Silo(11_111, generation: 2)));
        Assert.DoesNotContain(Keys, key => Equals(after.HomeOf(key), Silo(11_111, generation: 1)));
        Assert.Contains(Keys, key => !Equals(before.HomeOf(key), after.HomeOf(key)));
    }

    [Fact]
    public void No_active_silo_is_no_home() => Assert.Null(HomeRing.Empty.HomeOf(42u));
}

public sealed class SiloKeysTests
{
    [Fact]
    public void A_silos_key_names_that_silo()
    {
        var silo = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11_111), 42);

        Assert.Equal(silo, SiloKeys.Silo(SiloKeys.Of(silo)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not a silo")]
    [InlineData("127.0.0.1:notaport@1")]
    public void Any_other_key_names_no_silo(string key) => Assert.Null(SiloKeys.Silo(key));
}
