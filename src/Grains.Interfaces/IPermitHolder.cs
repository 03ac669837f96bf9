using Alerts.Grains.Interfaces.Model;

namespace Alerts.Grains.Interfaces;

/// <summary>
/// A silo's holder of webhook permits, as the rate limiter reaches it: told at once when an operator pauses or resumes
/// delivery or a file, rather than at its next lease (a fifth of a second, in which a silo at 500/s sends 100). It
/// answers once it has applied the change, so the operator's call returns when the silos know.
/// </summary>
[Alias("alerts.IPermitHolder")]
public interface IPermitHolder : IGrainObserver
{
    Task HoldsChangedAsync(DeliveryHolds holds);
}
