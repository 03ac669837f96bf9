using Alerts.Grains.Interfaces.Model;

namespace Alerts.Grains.Interfaces;

/// <summary>
/// The operator's switches (key 0): for all delivery (paused, nothing is sent anywhere in the cluster, no attempt is
/// spent and files keep their place, until resumed), and the files paused, cancelled or made urgent one by one.
/// Stored, so they survive restarts.
/// </summary>
[Alias("alerts.IDeliveryControlGrain")]
public interface IDeliveryControlGrain : IGrainWithIntegerKey
{
    [Orleans.Concurrency.AlwaysInterleave]
    Task<DeliveryState> GetAsync();

    /// <summary>What is paused: what the rate limiter asks when it starts and now and then.</summary>
    [Orleans.Concurrency.AlwaysInterleave]
    Task<DeliveryHolds> GetHoldsAsync();

    /// <summary>The file's alerts wait until <see cref="ReleaseFileAsync"/> (its grain owns the decision).</summary>
    Task HoldFileAsync(string fileId);

    Task ReleaseFileAsync(string fileId);

    /// <summary>The file's alerts not yet sent are dropped wherever they wait, for good (its grain owns the decision).</summary>
    Task CancelFileAsync(string fileId);

    /// <summary>The file's waiting attempts get permits before those of other files, or no longer.</summary>
    Task SetUrgentAsync(string fileId, bool urgent);

    /// <summary>Says nothing more of the file: it expired.</summary>
    Task ForgetFileAsync(string fileId);

    Task<DeliveryState> PauseAsync();

    Task<DeliveryState> ResumeAsync();
}
