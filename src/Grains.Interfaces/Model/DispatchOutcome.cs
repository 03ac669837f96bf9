namespace Alerts.Grains.Interfaces.Model;

/// <summary>What a user's grain knows of an alert when it is dispatched.</summary>
[GenerateSerializer, Alias("alerts.DispatchOutcome")]
public enum DispatchOutcome
{
    Queued,
    Delivered,
    DeadLettered,
    DuplicateRow,
}
