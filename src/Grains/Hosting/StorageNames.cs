namespace Alerts.Grains.Hosting;

/// <summary>Names of the Orleans providers the grains use; the silo host registers them.</summary>
public static class StorageNames
{
    /// <summary>Grain state of files and users.</summary>
    public const string Alerts = "alerts";
}
