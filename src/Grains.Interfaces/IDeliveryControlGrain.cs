using Alerts.Grains.Interfaces.Model;

namespace Alerts.Grains.Interfaces;

/// <summary>
/// The operator's switch for all delivery (key 0): paused, nothing is sent anywhere in the cluster, no attempt is spent
/// and files keep their place, until resumed. Stored, so it survives restarts.
/// </summary>
[Alias("alerts.IDeliveryControlGrain")]
public interface IDeliveryControlGrain : IGrainWithIntegerKey
{
    [Orleans.Concurrency.AlwaysInterleave]
    Task<DeliveryState> GetAsync();

    /// <summary>Whether delivery is paused: what the rate limiter asks when it starts and now and then.</summary>
    [Orleans.Concurrency.AlwaysInterleave]
    Task<bool> IsPausedAsync();

    Task<DeliveryState> PauseAsync();

    Task<DeliveryState> ResumeAsync();
}
