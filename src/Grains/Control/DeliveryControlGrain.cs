using Alerts.Grains.Hosting;
using Alerts.Grains.Interfaces;
using Alerts.Grains.Interfaces.Model;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Alerts.Grains.Control;

/// <summary>
/// Keeps what an operator said in storage (all delivery paused; files paused, scheduled, cancelled or urgent) and tells
/// the webhook's rate limiter at once, which then grants no permits, or names those files in every lease: each silo hears it at its next lease (a
/// fifth of a second), and what is in flight finishes. The limiter also asks here when it starts and every few
/// seconds, so a limiter that missed the news (its silo was frozen) catches up.
/// </summary>
public sealed partial class DeliveryControlGrain(
    [PersistentState("delivery", StorageNames.Alerts)] IPersistentState<DeliveryControlState> control,
    IOptions<WebhookOptions> webhook,
    IOptions<RateLimitOptions> budget,
    TimeProvider time,
    ILogger<DeliveryControlGrain> log) : Grain, IDeliveryControlGrain
{
    private static readonly TimeSpan TellingAtMost = TimeSpan.FromSeconds(3);

    private IRateLimiterGrain Limiter => GrainFactory.GetGrain<IRateLimiterGrain>(webhook.Value.Url);

    public async Task<DeliveryState> GetAsync()
    {
        RateLimiterStats? stats = null;
        try
        {
            stats = await Limiter.GetStatsAsync().WaitAsync(TellingAtMost);
        }
        catch (Exception error) when (error is TimeoutException or OrleansException)
        {
            // the limiter's silo does not answer (frozen, or moving it): the rate is not known now
        }
        return new DeliveryState
        {
            Paused = control.State.Paused,
            PausedAt = control.State.Paused ? control.State.ChangedAt : null,
            Budget = budget.Value.PermitsPerSecond,
            Rate = control.State.Paused || stats is null || stats.EndpointDown ? 0 : stats.Rate,
            EndpointDown = stats?.EndpointDown ?? false,
            Silos = stats?.Silos ?? [],
        };
    }

    public Task<DeliveryHolds> GetHoldsAsync() => Task.FromResult(Holds);

    public Task HoldFileAsync(string fileId) => ChangedAsync(control.State.PausedFiles.Add(fileId));

    public Task ReleaseFileAsync(string fileId) => ChangedAsync(control.State.PausedFiles.Remove(fileId));

    public Task CancelFileAsync(string fileId) =>
        ChangedAsync(control.State.CancelledFiles.Add(fileId) | control.State.PausedFiles.Remove(fileId) | control.State.UrgentFiles.Remove(fileId));

    public Task SetUrgentAsync(string fileId, bool urgent) =>
        ChangedAsync(urgent ? control.State.UrgentFiles.Add(fileId) : control.State.UrgentFiles.Remove(fileId));

    public Task ForgetFileAsync(string fileId) =>
        ChangedAsync(control.State.CancelledFiles.Remove(fileId) | control.State.PausedFiles.Remove(fileId) | control.State.UrgentFiles.Remove(fileId));

    // Stored first when it changed; the limiter is told even when not: the caller may be repeating a call whose
    // telling did not get through.
    private async Task ChangedAsync(bool changed)
    {
        if (changed) await SaveChangeAsync();
        await TellLimiterAsync();
    }

    // Stored already: a limiter that does not answer (its silo frozen) reads the switches when it comes back or moves.
    private async Task TellLimiterAsync()
    {
        try
        {
            await Limiter.SetPausedAsync(Holds).WaitAsync(TellingAtMost);
        }
        catch (Exception error) when (error is TimeoutException or OrleansException)
        {
            LogLimiterSilent(error);
        }
    }

    private DeliveryHolds Holds => new(control.State.Paused, [.. control.State.PausedFiles], control.State.Version)
    {
        Cancelled = [.. control.State.CancelledFiles],
        Urgent = [.. control.State.UrgentFiles],
    };

    private Task SaveChangeAsync()
    {
        control.State.Version++;
        return control.WriteStateAsync();
    }

    public Task<DeliveryState> PauseAsync() => SetAsync(paused: true);

    public Task<DeliveryState> ResumeAsync() => SetAsync(paused: false);

    private async Task<DeliveryState> SetAsync(bool paused)
    {
        if (control.State.Paused != paused)
        {
            (control.State.Paused, control.State.ChangedAt) = (paused, time.GetUtcNow());
            await SaveChangeAsync(); // stored first: a limiter that starts now reads it
            LogChanged(paused ? "paused" : "resumed");
        }
        await TellLimiterAsync();
        return await GetAsync();
    }

    [LoggerMessage(LogLevel.Warning, "The rate limiter did not take the operator's change at once; it reads it within seconds")]
    private partial void LogLimiterSilent(Exception error);

    [LoggerMessage(LogLevel.Warning, "Delivery {Change} across the cluster by an operator")]
    private partial void LogChanged(string change);
}

[GenerateSerializer, Alias("alerts.DeliveryControlState")]
public sealed class DeliveryControlState
{
    [Id(0)] public bool Paused { get; set; }
    [Id(1)] public DateTimeOffset ChangedAt { get; set; }
    [Id(2)] public HashSet<string> PausedFiles { get; set; } = [];
    [Id(3)] public long Version { get; set; } = 1;
    [Id(4)] public HashSet<string> CancelledFiles { get; set; } = [];
    [Id(5)] public HashSet<string> UrgentFiles { get; set; } = [];
}
