using System.Net;
using Alerts.Grains.Common;
using Microsoft.Extensions.Time.Testing;

namespace Alerts.Tests.Common;

public sealed class MembershipConfirmationTests
{
    private static readonly TimeSpan Freshness = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan VoteExpiry = TimeSpan.FromMinutes(2);
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.Parse("2026-12-06T12:00:00Z"));
    private readonly SiloAddress _self = Silo(1), _other = Silo(2), _third = Silo(3);

    [Fact]
    public void A_silo_is_confirmed_while_its_last_read_is_fresh_and_not_after()
    {
        var membership = New();
        Assert.True(membership.Confirmed); // just admitted

        _clock.Advance(TimeSpan.FromSeconds(2));
        membership.Observe([Entry(_self), Entry(_other)], _clock.GetTimestamp());
        _clock.Advance(Freshness);
        Assert.True(membership.Confirmed);
        _clock.Advance(TimeSpan.FromMilliseconds(1)); // no read since: cut off from the table
        Assert.False(membership.Confirmed);
        Assert.Equal(2, membership.Active);
    }

    [Fact]
    public void A_read_that_began_before_a_freeze_confirms_nothing_after_it()
    {
        var membership = New();
        var began = _clock.GetTimestamp();
        _clock.Advance(TimeSpan.FromSeconds(45)); // frozen mid-read; the answer is taken in after the thaw

        membership.Observe([Entry(_self)], began);

        Assert.False(membership.Confirmed);
    }

    [Fact]
    public void Declared_dead_is_for_good()
    {
        var membership = New();
        Assert.True(membership.Observe([Entry(_self, SiloStatus.Dead), Entry(_other)], _clock.GetTimestamp()));
        Assert.False(membership.Confirmed);

        membership.Observe([Entry(_self), Entry(_other)], _clock.GetTimestamp()); // a stale read answering late
        Assert.False(membership.Confirmed);
        Assert.True(membership.DeclaredDead);
    }

    [Fact]
    public void A_silo_missing_from_the_table_is_not_confirmed_by_it_and_an_older_read_never_moves_the_confirmation_back()
    {
        var membership = New();
        var older = _clock.GetTimestamp();
        _clock.Advance(TimeSpan.FromSeconds(2));
        membership.Observe([Entry(_self)], _clock.GetTimestamp());
        membership.Observe([Entry(_self)], older);
        _clock.Advance(TimeSpan.FromSeconds(2.5));
        Assert.True(membership.Confirmed);

        membership.Observe([Entry(_other)], _clock.GetTimestamp()); // joining, or the read raced the insert
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.False(membership.Confirmed);
    }

    [Fact]
    public void Suspected_counts_active_silos_with_a_recent_vote_against_them()
    {
        var membership = New();
        var now = _clock.GetUtcNow().UtcDateTime;
        membership.Observe([
            Entry(_self),
            Entry(_other, votes: [(_self, now.AddSeconds(-5))]),
            Entry(_third, votes: [(_self, now - VoteExpiry - TimeSpan.FromSeconds(1))]), // an old vote: it answered since
            Entry(Silo(4), SiloStatus.Dead, votes: [(_self, now)]), // already declared dead
        ], _clock.GetTimestamp());

        Assert.Equal(1, membership.Suspected);
        Assert.Equal(3, membership.Active);
    }

    private MembershipConfirmation New() => new(_self, Freshness, VoteExpiry, _clock);

    private static SiloAddress Silo(int n) => SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11_110 + n), 1);

    private static MembershipEntry Entry(SiloAddress silo, SiloStatus status = SiloStatus.Active, (SiloAddress By, DateTime At)[]? votes = null) => new()
    {
        SiloAddress = silo,
        Status = status,
        SuspectTimes = votes?.Select(v => Tuple.Create(v.By, v.At)).ToList(),
        SiloName = $"silo-{silo.Endpoint.Port}",
        HostName = "localhost",
    };
}
