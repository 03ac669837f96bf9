namespace Alerts.Gateway.Hosting;

/// <summary>Where uploads go and how large they may be, bound from the <c>Alerts</c> section.</summary>
public sealed class GatewayOptions
{
    public const string Section = "Alerts";

    /// <summary>Root of <c>inbox/</c> (default <c>./data</c>); uploads land in <c>inbox/uploads/</c>.</summary>
    public string DataRoot { get; set; } = "./data";

    /// <summary>Largest upload in bytes (default 1 GiB); larger ones get 413.</summary>
    public long MaxUploadBytes { get; set; } = 1L << 30;

    /// <summary>Uploads are not watched: the gateway hands them to their file grain itself, message included.</summary>
    public string Uploads => Path.GetFullPath(Path.Combine(DataRoot, "inbox", "uploads"));
}
