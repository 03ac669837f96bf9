using System.Text.RegularExpressions;
using Alerts.Cli;
using Alerts.Tests.Integration;
using Alerts.Tests.Support;

namespace Alerts.Tests.Cli;

/// <summary>The <c>alerts</c> command line, run in-process against the real gateway of a two-silo cluster.</summary>
[Collection(RedisClusterCollection.Name)]
public sealed partial class CliTests(RedisClusterFixture cluster) : IDisposable
{
    private static readonly TimeSpan WatchDeadline = TimeSpan.FromSeconds(120);
    private readonly string _prefix = "cli" + Guid.NewGuid().ToString("n")[..8];
    private readonly TempFolder _folder = new();

    [Fact]
    public async Task Upload_with_watch_exits_0_once_every_row_is_delivered()
    {
        var content = InboxFiles.Csv(_prefix, rows: 20, users: 20);
        var path = Write($"{_prefix}.csv", content);

        var (exit, output, error) = await RunAsync("upload", path, "--watch");

        Assert.True(exit == ExitCodes.Ok, $"exit {exit}\n{output}\n{error}");
        Assert.Contains($"file id: {InboxFiles.FileId(content)}", output);
        Assert.Contains($"{cluster.Gateway.BaseAddress}files/{InboxFiles.FileId(content)}", output);
        Assert.Contains("Completed: 20 alerts delivered", output);
        Assert.Equal("", error);
        Assert.Equal(20, cluster.Notifier.ReadRows().Count(r => r.UserId.StartsWith(_prefix + "-")));
    }

    [Fact]
    public async Task Upload_with_watch_says_why_rows_were_left_out_and_a_message_for_rows_with_their_own_is_refused()
    {
        var path = Write($"{_prefix}.csv", $"{_prefix}-a,disk full\n{_prefix}-b,disk full,again\n");

        var (exit, output, error) = await RunAsync("upload", path, "--watch");
        var (refusedExit, refusedOutput, refusedError) = await RunAsync("upload", path, "-m", "maintenance");

        Assert.True(exit == ExitCodes.Ok, $"exit {exit}\n{output}\n{error}");
        Assert.Contains("Completed: 1 alerts delivered, 1 invalid rows", output);
        Assert.Contains("first invalid rows:\n  line 2: expected 2 columns, found 3", output.ReplaceLineEndings("\n"));
        Assert.Equal(ExitCodes.Error, refusedExit);
        Assert.Equal("", refusedOutput);
        Assert.Contains("'alertMessage' is for a file of user ids only, one per row, but line 1 has 2 columns", refusedError);
    }

    [Fact]
    public async Task Status_lists_recent_files_and_shows_one_by_a_prefix_of_its_id()
    {
        var fileId = await UploadAndCompleteAsync(rows: 3);

        var (listExit, list, _) = await RunAsync("status");
        var (oneExit, one, _) = await RunAsync("status", fileId[..10]);

        Assert.Equal((ExitCodes.Ok, ExitCodes.Ok), (listExit, oneExit));
        Assert.StartsWith("ID", list);
        Assert.Matches($@"(?m)^{fileId[..12]}\s+{_prefix}\.csv\s+Completed\s+3/3\s+0\s+0\s+-\s+-$", list);
        Assert.Contains($"file:         {fileId}", one);
        Assert.Contains("delivered:    3 of 3", one);
        Assert.Contains("dead letters: 0", one);
    }

    [Fact]
    public async Task Report_prints_a_header_and_one_line_per_row_to_stdout_or_a_file()
    {
        var fileId = await UploadAndCompleteAsync(rows: 5);
        var saved = _folder.Combine("report.csv");

        var (exit, output, _) = await RunAsync("report", fileId);
        var (savedExit, _, _) = await RunAsync("report", fileId, "-o", saved);

        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal((ExitCodes.Ok, ExitCodes.Ok), (exit, savedExit));
        Assert.Equal(6, lines.Length);
        Assert.StartsWith("line,userId,status", lines[0]);
        Assert.All(lines[1..], l => Assert.Contains(",Delivered,", l));
        Assert.Equal(output, await File.ReadAllTextAsync(saved));
    }

    [Fact]
    public async Task Retry_of_a_file_without_dead_letters_requeues_none()
    {
        var fileId = await UploadAndCompleteAsync(rows: 2);

        var (exit, output, _) = await RunAsync("retry", fileId);

        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Equal("requeued 0 dead letters", output.Trim());
    }

    [Fact]
    public async Task Pause_and_resume_all_switch_delivery_and_say_so()
    {
        try
        {
            var (pauseExit, paused, _) = await RunAsync("pause", "--all");
            var (resumeExit, resumed, _) = await RunAsync("resume", "--all");
            var (bareExit, _, bareError) = await RunAsync("pause");
            var done = await UploadAndCompleteAsync(rows: 2);
            var (doneExit, _, doneError) = await RunAsync("pause", done[..10]);

            Assert.Equal((0, 0), (pauseExit, resumeExit));
            Assert.StartsWith("delivery paused since ", paused);
            Assert.StartsWith("delivery running: budget ", resumed);
            Assert.NotEqual(0, bareExit); // what to pause must be said
            Assert.Contains("--all", bareError);
            Assert.Equal(ExitCodes.Error, doneExit); // a file already completed has nothing to pause
            Assert.Contains("Completed", doneError);
        }
        finally
        {
            await RunAsync("resume", "--all"); // the cluster is shared with other tests
        }
    }

    [Fact]
    public async Task Upload_at_a_later_time_waits_and_cancel_ends_it_with_every_row_cancelled()
    {
        var content = InboxFiles.Csv(_prefix, rows: 4, users: 4);
        var path = Write($"{_prefix}.csv", content);
        var at = DateTimeOffset.UtcNow.AddHours(1);

        var (exit, output, error) = await RunAsync("upload", path, "--at", at.ToString("O"), "--priority", "high");
        var fileId = FileIdLine().Match(output).Groups[1].Value;
        var waiting = (await cluster.FileAsync(fileId))!.Value;
        var (cancelExit, cancelled, _) = await RunAsync("cancel", fileId[..10]);
        var (watchExit, watched, _) = await RunAsync("watch", fileId);
        var report = await cluster.ReportAsync(fileId);
        var (badAtExit, _, badAtError) = await RunAsync("upload", path, "--at", "tomorrow");
        var (againExit, _, againError) = await RunAsync("cancel", fileId);

        Assert.True(exit == ExitCodes.Ok, $"exit {exit}\n{output}\n{error}");
        Assert.Contains("scheduled: nothing is sent before", output);
        Assert.Equal(("Scheduled", "High"), (waiting.GetProperty("status").GetString(), waiting.GetProperty("priority").GetString()));
        Assert.Equal(ExitCodes.Ok, cancelExit);
        Assert.Equal($"{fileId[..12]}  {_prefix}.csv: Cancelled, 0 delivered", cancelled.Trim());
        Assert.Equal(ExitCodes.Cancelled, watchExit);
        Assert.Contains("Cancelled after 0 alerts delivered", watched);
        Assert.Equal(5, report.Count);
        Assert.All(report[1..], row => Assert.Equal("Cancelled", row[2]));
        Assert.DoesNotContain(cluster.Notifier.ReadRows(), r => r.UserId.StartsWith(_prefix + "-"));
        Assert.Equal(ExitCodes.Error, badAtExit);
        Assert.Contains("--at: 'tomorrow' is not a time", badAtError);
        Assert.Equal(ExitCodes.Error, againExit); // cancelled already
        Assert.Contains("Cancelled", againError);
    }

    [Fact]
    public async Task A_wrong_api_key_is_one_line_on_stderr_and_exit_3()
    {
        var (exit, output, error) = await RunWithAsync(["status", "--api-key", "not-a-key", "--url", Url]);

        Assert.Equal(ExitCodes.Error, exit);
        Assert.Equal("", output);
        Assert.Equal("alerts: the gateway refused the API key: check ALERTS_API_KEY or --api-key", error.TrimEnd());
    }

    [Fact]
    public async Task Errors_from_the_gateway_and_no_gateway_at_all_are_one_line_each_and_exit_3()
    {
        var unknown = new string('a', 64);
        var nobody = $"http://127.0.0.1:{FreePort.Next()}";

        var (unknownExit, _, unknownError) = await RunAsync("status", unknown);
        var (nobodyExit, _, nobodyError) = await RunWithAsync(["status", "--url", nobody]);

        Assert.Equal((ExitCodes.Error, ExitCodes.Error), (unknownExit, nobodyExit));
        Assert.Equal($"alerts: the gateway answered 404 Not Found: no file {unknown}", unknownError.TrimEnd());
        Assert.Equal($"alerts: no gateway at {nobody}", nobodyError.TrimEnd());
    }

    public void Dispose() => _folder.Dispose();

    private string Url => cluster.Gateway.BaseAddress!.ToString().TrimEnd('/');

    private string Write(string name, string content)
    {
        var path = _folder.Combine(name);
        File.WriteAllText(path, content);
        return path;
    }

    /// <summary>Uploads a fresh file through the command line and waits, through the API, until it completed.</summary>
    private async Task<string> UploadAndCompleteAsync(int rows)
    {
        var (exit, output, error) = await RunAsync("upload", Write($"{_prefix}.csv", InboxFiles.Csv(_prefix, rows, users: rows)));
        Assert.True(exit == ExitCodes.Ok, $"exit {exit}\n{output}\n{error}");
        var fileId = FileIdLine().Match(output).Groups[1].Value;
        await cluster.CompletedAsync(fileId);
        return fileId;
    }

    /// <summary>Runs <c>alerts</c> with the fixture's gateway and first key.</summary>
    private Task<(int Exit, string Output, string Error)> RunAsync(params string[] args) =>
        RunWithAsync([.. args, "--url", Url, "--api-key", RedisClusterFixture.ApiKeys.Split(',')[0]]);

    private static async Task<(int Exit, string Output, string Error)> RunWithAsync(string[] args)
    {
        using var deadline = new CancellationTokenSource(WatchDeadline);
        var (output, error) = (new StringWriter(), new StringWriter());
        var exit = await CliApp.RunAsync(args, output, error, deadline.Token);
        return (exit, output.ToString(), error.ToString());
    }

    [GeneratedRegex("^file id: ([0-9a-f]{64})", RegexOptions.Multiline)]
    private static partial Regex FileIdLine();
}
