using Alerts.Grains.Hosting;
using Alerts.Grains.Interfaces.Model;
using Alerts.Grains.RateLimiting;
using Microsoft.Extensions.Time.Testing;

namespace Alerts.Tests.RateLimiting;

/// <summary>The webhook's circuit breaker on a fake clock.</summary>
public sealed class WebhookCircuitTests
{
    private static readonly TimeSpan Period = TimeSpan.FromMilliseconds(200);
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.Parse("2026-11-28T12:00:00Z"));
    private readonly WebhookCircuit _circuit = new(new CircuitOptions
    {
        CircuitFailures = 10,
        CircuitProbeInterval = TimeSpan.FromSeconds(1),
        CircuitMaxProbeInterval = TimeSpan.FromSeconds(4),
        CircuitProbeTimeout = TimeSpan.FromSeconds(30),
    });

    [Fact]
    public void Opens_after_failures_in_a_row_but_not_while_the_receiver_answers_some()
    {
        for (var i = 0; i < 20; i++) Report("a", answered: 50, failed: 9); // a tenth failing, every report mixed
        var closedWhileMixed = !_circuit.IsOpen;

        Report("a", failed: 6);
        var openAtSix = _circuit.IsOpen;
        Report("b", failed: 4);

        Assert.True(closedWhileMixed);
        Assert.False(openAtSix);
        Assert.True(_circuit.IsOpen);
        Assert.Equal(1, _circuit.Opens);
    }

    [Fact]
    public void While_open_no_permits_are_leased_but_one_probe_after_the_interval_to_one_silo()
    {
        Open();

        var before = Lease("a");
        _clock.Advance(TimeSpan.FromSeconds(1));
        var probe = Lease("a");
        var other = Lease("b");

        Assert.Equal((0, true), (before!.Permits, before.EndpointDown));
        Assert.InRange(before.Pause, TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(500));
        Assert.Equal((1, TimeSpan.Zero, true), (probe!.Permits, probe.Pause, probe.EndpointDown));
        Assert.Equal(0, other!.Permits);
    }

    [Fact]
    public void A_failed_probe_doubles_the_wait_up_to_the_cap_and_an_answered_probe_closes_it()
    {
        Open();
        var waits = new List<TimeSpan>();
        for (var i = 0; i < 4; i++)
        {
            var start = _clock.GetUtcNow();
            while (Lease("a")!.Permits == 0) _clock.Advance(TimeSpan.FromMilliseconds(100));
            waits.Add(_clock.GetUtcNow() - start);
            Report("a", failed: 1);
        }
        while (Lease("a")!.Permits == 0) _clock.Advance(TimeSpan.FromMilliseconds(100));
        Report("b", answered: 3); // not the prober's report: late news from before
        var stillOpen = _circuit.IsOpen;
        Report("a", answered: 1);

        Assert.Equal([1.0, 2.0, 4.0, 4.0], waits.Select(w => Math.Round(w.TotalSeconds, 1)));
        Assert.True(stillOpen);
        Assert.False(_circuit.IsOpen);
        Assert.Null(Lease("a"));
    }

    [Fact]
    public void A_probe_never_heard_of_goes_to_another_silo_after_the_timeout()
    {
        Open();
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, Lease("a")!.Permits); // silo a dies with its probe

        _clock.Advance(TimeSpan.FromSeconds(20));
        var tooSoon = Lease("b")!.Permits;
        _clock.Advance(TimeSpan.FromSeconds(11));
        var retaken = Lease("b")!.Permits;

        Assert.Equal((0, 1), (tooSoon, retaken));
    }

    private void Open() => Report("a", failed: 10);

    private void Report(string silo, int answered = 0, int failed = 0) =>
        _circuit.Observe(new LeaseRequest { SiloId = silo, Wanted = 10, Answered = answered + failed, Failed = failed }, _clock.GetUtcNow());

    private LeaseGrant? Lease(string silo)
    {
        var request = new LeaseRequest { SiloId = silo, Wanted = 10 };
        _circuit.Observe(request, _clock.GetUtcNow());
        return _circuit.Lease(request, Period, _clock.GetUtcNow());
    }
}
