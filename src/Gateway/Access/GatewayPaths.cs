namespace Alerts.Gateway.Access;

/// <summary>Which paths hold no data: health probes, and the pages' own files and the API's description.</summary>
public static class GatewayPaths
{
    private static readonly string[] PageFiles = ["/ui", "/docs", "/openapi"];

    public static bool IsHealth(PathString path) => path.StartsWithSegments("/health");

    /// <summary>The status page, its scripts and styles, the API reference and the OpenAPI document.</summary>
    public static bool IsPageFile(PathString path) => path == "/" || path == "/index.html" || PageFiles.Any(p => path.StartsWithSegments(p));
}
