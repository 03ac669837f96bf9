using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace Alerts.Grains.Common;

/// <summary>
/// Confirms from the membership table itself, twice a second, that this silo has not been declared dead, and counts
/// the silos others suspect. It is the fence against a zombie: a silo that was frozen or cut off for longer than
/// failure detection may have had its users' alerts handed to others, and must send none of them when it comes back.
/// Such a silo's last confirmation is older than <see cref="Freshness"/> (a frozen process confirms nothing; a silo
/// cut off from Redis cannot read the table), so it sends nothing until a fresh read says it is alive, and the read
/// that follows a thaw says it is dead. Orleans' own view would tell it too, but only at its next table refresh.
/// </summary>
public sealed partial class SiloLiveness(IServiceProvider services, ILocalSiloDetails silo, IOptions<ClusterMembershipOptions> membership,
    IHostApplicationLifetime lifetime, TimeProvider time, ILogger<SiloLiveness> log) : BackgroundService
{
    /// <summary>How old the last confirmation may be: a read every 0.5 s, each given 1 s to answer, so one slow or lost read fences nobody.</summary>
    public static readonly TimeSpan Freshness = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan Every = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(1);
    private readonly IMembershipTable? _table = services.GetService<IMembershipTable>();
    private readonly MembershipConfirmation _membership = new(silo.SiloAddress, Freshness, membership.Value.DeathVoteExpirationTimeout, time);
    private bool _readFailing, _readOnce;

    /// <summary>Whether this silo may act as a member now: confirmed alive within <see cref="Freshness"/>, never declared dead.</summary>
    public bool Confirmed => _table is null || _membership.Confirmed;

    /// <summary>Active silos that others have voted dead lately (suspected, not yet declared dead).</summary>
    public int Suspected => _membership.Suspected;

    /// <summary>Silos active in the membership table as last read.</summary>
    public int Active => _membership.Active;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_table is null) return;
        AlertsMetrics.ObserveSuspectedSilos(() => Suspected);
        AlertsMetrics.ObserveActiveSilos(() => Active);
        AlertsMetrics.ObserveFenced(() => !Confirmed);
        using var ticks = new PeriodicTimer(Every, time); // reads start every 0.5 s, or at once after a slow one
        while (!_membership.DeclaredDead && await ticks.WaitForNextTickAsync(stoppingToken))
        {
            var startedAt = time.GetTimestamp(); // a read that began before a freeze confirms nothing after it
            try
            {
                var table = await _table.ReadAllAsync(stoppingToken).WaitAsync(ReadTimeout, time, stoppingToken);
                if (_membership.Observe([.. table.Members.Select(m => m.Item1)], startedAt) && !lifetime.ApplicationStopping.IsCancellationRequested)
                    LogDeclaredDead(silo.SiloAddress); // a graceful stop ends as Dead too
                if (_readFailing) LogReadAgain();
                (_readFailing, _readOnce) = (false, true);
            }
            catch (Exception error) when (!stoppingToken.IsCancellationRequested)
            {
                if (!_readFailing && _readOnce) LogReadFailed(error); // before the first read the silo may still be joining: the table is not ready
                _readFailing = true;
            }
        }
    }

    [LoggerMessage(LogLevel.Warning, "Reading the membership table failed: this silo sends nothing while its membership is unconfirmed")]
    private partial void LogReadFailed(Exception error);

    [LoggerMessage(LogLevel.Information, "The membership table answers again")]
    private partial void LogReadAgain();

    [LoggerMessage(LogLevel.Error, "The cluster declared this silo ({Silo}) dead (it was frozen or cut off): it sends nothing more, and Orleans stops it")]
    private partial void LogDeclaredDead(SiloAddress silo);
}
