namespace Alerts.Gateway.Hosting;

/// <summary>Where uploads go and how large they may be, bound from the <c>Alerts</c> section.</summary>
public sealed class GatewayOptions
{
    public const string Section = "Alerts";

    /// <summary>Root of <c>inbox/</c> (default <c>./data</c>); uploads land in <c>inbox/uploads/</c>.</summary>
    public string DataRoot { get; set; } = "./data";

    /// <summary>Largest upload in bytes (default 1 GiB); larger ones get 413.</summary>
    public long MaxUploadBytes { get; set; } = 1L << 30;

    /// <summary>
    /// An upload whose body sends nothing for this long is answered 408 and its part file deleted (default 30 s).
    /// Kestrel's own minimum rate is averaged over the whole body, so a client that sent much and then stalled
    /// would hold its connection and part file for hours under it alone.
    /// </summary>
    public TimeSpan UploadIdleTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Uploads are not watched: the gateway hands them to their file grain itself, message included.</summary>
    public string Uploads => Path.GetFullPath(Path.Combine(DataRoot, "inbox", "uploads"));
}
