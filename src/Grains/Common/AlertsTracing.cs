using System.Diagnostics;
using Alerts.Grains.Interfaces.Model;

namespace Alerts.Grains.Common;

/// <summary>
/// The silo's own spans (activity source <c>Alerts</c>): each alert's delivery, as a child of the request that
/// brought its file in, so a trace runs from an upload to every webhook request it caused. Free when nothing listens.
/// </summary>
public static class AlertsTracing
{
    public const string SourceName = "Alerts";
    private static readonly ActivitySource Source = new(SourceName);

    public static Activity? StartDelivery(Alert alert)
    {
        var activity = Source.StartActivity("deliver alert", ActivityKind.Internal, alert.TraceParent);
        activity?.SetTag("alerts.file_id", alert.FileId).SetTag("alerts.line", alert.Line).SetTag("alerts.user_id", alert.UserId);
        return activity;
    }

    public static void Outcome(Activity? activity, DeliveryRecord record)
    {
        if (activity is null) return;
        activity.SetTag("alerts.status", record.Status.ToString()).SetTag("alerts.attempts", record.Attempts);
        if (record.Status == DeliveryStatus.DeadLettered) activity.SetStatus(ActivityStatusCode.Error, record.LastError);
    }
}
