using System.Globalization;
using System.Net.Http.Json;
using Alerts.Notifier.Hosting;
using Alerts.Notifier.Receiving;
using Alerts.Notifier.Storage;
using CsvHelper;
using Microsoft.AspNetCore.Builder;

namespace Alerts.Tests.Support;

/// <summary>The real notifier app on a free loopback port, writing into <see cref="OutputDir"/>.</summary>
public sealed class NotifierHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private NotifierHost(WebApplication app, string outputDir)
    {
        _app = app;
        OutputDir = outputDir;
        Client = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
    }

    public string OutputDir { get; }
    public HttpClient Client { get; }
    public string WebhookUrl => new Uri(Client.BaseAddress!, "/webhook").ToString();

    public static Task<NotifierHost> StartAsync(string outputDir, params string[] settings) => StartAsync(outputDir, 0, settings);

    /// <summary>Starts on <paramref name="port"/> (0: any free one).</summary>
    public static async Task<NotifierHost> StartAsync(string outputDir, int port, string[] settings)
    {
        string[] args = ["--urls", $"http://127.0.0.1:{port}", $"--Notifier:OutputDir={outputDir}", "--Logging:LogLevel:Default=Warning", .. settings];
        var app = NotifierApp.Build(args);
        await app.StartAsync();
        return new NotifierHost(app, outputDir);
    }

    public async Task<StatsSnapshot> StatsAsync() => (await Client.GetFromJsonAsync<StatsSnapshot>("/stats"))!;

    /// <summary>The rows on disk, parsed back as CSV.</summary>
    public List<(string UserId, string AlertMessage)> ReadRows() => ReadRows(OutputDir);

    public static List<(string UserId, string AlertMessage)> ReadRows(string outputDir)
    {
        var path = Path.Combine(outputDir, OutputFiles.RowsFileName);
        if (!File.Exists(path)) return [];
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var csv = new CsvParser(new StreamReader(stream), CultureInfo.InvariantCulture);
        var rows = new List<(string, string)>();
        while (csv.Read()) rows.Add((csv.Record![0], csv.Record[1]));
        return rows;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
