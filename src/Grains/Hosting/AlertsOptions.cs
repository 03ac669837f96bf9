namespace Alerts.Grains.Hosting;

/// <summary>Where files live, bound from the <c>Alerts</c> section.</summary>
public sealed class AlertsOptions
{
    public const string Section = "Alerts";

    /// <summary>Root of <c>inbox/</c>, <c>inbox/processing/</c>, <c>inbox/archive/</c>, <c>inbox/failed/</c> (default <c>./data</c>).</summary>
    public string DataRoot { get; set; } = "./data";

    public string Root => Path.GetFullPath(DataRoot);
    public string Inbox => Path.Combine(Root, "inbox");
    /// <summary>Files taken from the inbox, one folder per file id, while they are delivered.</summary>
    public string Processing => Path.Combine(Inbox, "processing");
    public string Archive => Path.Combine(Inbox, "archive");
    public string Failed => Path.Combine(Inbox, "failed");
}
