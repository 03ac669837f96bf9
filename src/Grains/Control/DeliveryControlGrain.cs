using Alerts.Grains.Hosting;
using Alerts.Grains.Interfaces;
using Alerts.Grains.Interfaces.Model;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Alerts.Grains.Control;

/// <summary>
/// Keeps what an operator paused in storage (all delivery, or files) and tells the webhook's rate limiter at once,
/// which then grants no permits, or names the paused files in every lease: each silo hears it at its next lease (a
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
    private IRateLimiterGrain Limiter => GrainFactory.GetGrain<IRateLimiterGrain>(webhook.Value.Url);

    public async Task<DeliveryState> GetAsync()
    {
        var stats = await Limiter.GetStatsAsync();
        return new DeliveryState
        {
            Paused = control.State.Paused,
            PausedAt = control.State.Paused ? control.State.ChangedAt : null,
            Budget = budget.Value.PermitsPerSecond,
            Rate = control.State.Paused || stats.EndpointDown ? 0 : stats.Rate,
            EndpointDown = stats.EndpointDown,
        };
    }

    public Task<DeliveryHolds> GetHoldsAsync() => Task.FromResult(Holds);

    public async Task HoldFileAsync(string fileId)
    {
        if (control.State.PausedFiles.Add(fileId)) await SaveChangeAsync();
        await Limiter.SetPausedAsync(Holds);
    }

    public async Task ReleaseFileAsync(string fileId)
    {
        if (control.State.PausedFiles.Remove(fileId)) await SaveChangeAsync();
        await Limiter.SetPausedAsync(Holds);
    }

    private DeliveryHolds Holds => new(control.State.Paused, [.. control.State.PausedFiles], control.State.Version);

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
        await Limiter.SetPausedAsync(Holds);
        return await GetAsync();
    }

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
}
