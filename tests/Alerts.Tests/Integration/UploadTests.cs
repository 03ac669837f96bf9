using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Alerts.Tests.Support;

namespace Alerts.Tests.Integration;

[Collection(RedisClusterCollection.Name)]
public sealed class UploadTests(RedisClusterFixture cluster)
{
    private readonly string _prefix = "up" + Guid.NewGuid().ToString("n")[..8];

    [Fact]
    public async Task An_uploaded_csv_is_accepted_with_its_status_url_and_delivered()
    {
        var content = InboxFiles.Csv(_prefix, rows: 20, users: 20);

        var response = await UploadAsync(content, "batch.csv");
        var accepted = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(InboxFiles.FileId(content), accepted.GetProperty("fileId").GetString());
        Assert.Equal("batch.csv", accepted.GetProperty("name").GetString());
        Assert.Equal($"/files/{InboxFiles.FileId(content)}", accepted.GetProperty("statusUrl").GetString());
        var file = (await cluster.CompletedAsync(InboxFiles.FileId(content)))!.Value;
        Assert.Equal(20, file.GetProperty("delivered").GetInt64());
        Assert.Equal(20, DeliveredRows().Count);
        Assert.StartsWith("inbox/archive/", file.GetProperty("path").GetString()); // relative to the data root: no server paths
    }

    [Fact]
    public async Task A_single_column_upload_takes_the_message_from_the_form()
    {
        var users = $"userId\n{_prefix}-a\n{_prefix}-b\n";

        var response = await UploadAsync(users, "users.csv", ("alertMessage", "maintenance at 22:00, sorry"));
        var fileId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("fileId").GetString()!;
        await cluster.CompletedAsync(fileId);

        Assert.Equal([($"{_prefix}-a", "maintenance at 22:00, sorry"), ($"{_prefix}-b", "maintenance at 22:00, sorry")], DeliveredRows().Order());
    }

    [Fact]
    public async Task A_message_for_a_file_whose_rows_have_messages_of_their_own_is_refused_with_the_reason()
    {
        var twoColumns = $"userId,alertMessage\n{_prefix}-a,disk full\n";
        var quotedLineFeed = $"\"{_prefix}-m\nline\",disk full\n";
        var quotedHeader = $"\"userId\",\"alertMessage\"\r\n\"{_prefix}-q\"\r\n";
        var quotedComma = $"\uFEFF\n\"{_prefix}-b,c\"\n";
        var jsonLines = $"{{\"userId\":\"{_prefix}-j\",\"alertMessage\":\"own\"}}\n";

        var refused = await UploadAsync(twoColumns, "both.csv", ("alertMessage", "maintenance"));
        var refusedQuoted = await UploadAsync(quotedLineFeed, "both.CSV", ("alertMessage", "maintenance"));
        var accepted = new List<HttpResponseMessage>();
        foreach (var (content, name) in new[] { (quotedHeader, "header.csv"), (quotedComma, "ids.csv"), (jsonLines, "rows.jsonl") })
            accepted.Add(await UploadAsync(content, name, ("alertMessage", "maintenance")));
        foreach (var response in accepted)
            await cluster.CompletedAsync((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("fileId").GetString()!);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("'alertMessage' is for a file of user ids only, one per row, but line 2 has 2 columns: upload it without a message to send each row's own",
            await DetailAsync(refused));
        Assert.Equal(HttpStatusCode.BadRequest, refusedQuoted.StatusCode); // a line feed inside quotes does not end the row
        Assert.Contains("but line 1 has 2 columns", await DetailAsync(refusedQuoted));
        Assert.All(accepted, response => Assert.Equal(HttpStatusCode.Accepted, response.StatusCode));
        // Read as the gateway judged them: a quoted header skipped, a separator inside quotes part of the id, a JSON row's own message first.
        Assert.Equal([($"{_prefix}-b,c", "maintenance"), ($"{_prefix}-j", "own"), ($"{_prefix}-q", "maintenance")], DeliveredRows().Order());
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(cluster.Inbox, "uploads"), "*.part"));
    }

    [Fact]
    public async Task The_same_content_is_sent_once_unless_forced()
    {
        var content = InboxFiles.Csv(_prefix, rows: 3, users: 3);

        var first = await (await UploadAsync(content, "a.csv")).Content.ReadFromJsonAsync<JsonElement>();
        await cluster.CompletedAsync(first.GetProperty("fileId").GetString()!);
        var again = await (await UploadAsync(content, "a.csv")).Content.ReadFromJsonAsync<JsonElement>();
        var forced = await (await UploadAsync(content, "a.csv", ("force", "true"))).Content.ReadFromJsonAsync<JsonElement>();
        await cluster.CompletedAsync(forced.GetProperty("fileId").GetString()!);

        Assert.True(again.GetProperty("alreadyKnown").GetBoolean());
        Assert.Equal(first.GetProperty("fileId").GetString(), again.GetProperty("fileId").GetString());
        Assert.NotEqual(first.GetProperty("fileId").GetString(), forced.GetProperty("fileId").GetString());
        Assert.Equal(6, DeliveredRows().Count); // once for the first upload, once for the forced batch
    }

    [Fact]
    public async Task Bad_uploads_get_clear_errors()
    {
        var noFile = await cluster.Gateway.PostAsync("/upload", new MultipartFormDataContent { { new StringContent("x"), "alertMessage" } });
        var empty = await UploadAsync("", "empty.csv");
        var notMultipart = await cluster.Gateway.PostAsync("/upload", new StringContent("u1,m1", Encoding.UTF8, "text/csv"));
        var tooLarge = await UploadAsync(new string('x', RedisClusterFixture.MaxUploadBytes + 1), "big.csv");

        Assert.Equal((HttpStatusCode.BadRequest, "missing field 'file'"), (noFile.StatusCode, await DetailAsync(noFile)));
        Assert.Equal((HttpStatusCode.BadRequest, "file is empty"), (empty.StatusCode, await DetailAsync(empty)));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, notMultipart.StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(cluster.Inbox, "uploads"), "*.part"));
    }

    [Fact]
    public async Task Uploads_that_fail_midway_leave_no_part_file()
    {
        var big = new MultipartFormDataContent { { new ByteArrayContent(new byte[RedisClusterFixture.MaxUploadBytes * 2]), "file", "big.csv" } };
        using var chunked = new HttpRequestMessage(HttpMethod.Post, "/upload") { Content = big };
        chunked.Headers.TransferEncodingChunked = true; // no length up front: stopped at the limit mid-stream
        var tooLarge = await cluster.Gateway.SendAsync(chunked);
        var unterminated = new StringContent($"--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n\r\n{_prefix},m1\n");
        unterminated.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse("multipart/form-data; boundary=b");
        var malformed = await cluster.Gateway.PostAsync("/upload", unterminated);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.StartsWith("malformed multipart body", await DetailAsync(malformed));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(cluster.Inbox, "uploads"), "*.part"));
    }

    [Fact]
    public async Task A_body_that_stalls_after_much_was_sent_gets_408_and_one_abandoned_midway_leaves_no_part_file()
    {
        var (stalled, stalledAnswer) = await SendPartialUploadAsync(waitForAnswer: true);
        var (abandoned, _) = await SendPartialUploadAsync(waitForAnswer: false);
        abandoned.Dispose(); // the client goes away mid-body

        using (stalled) Assert.StartsWith("HTTP/1.1 408", stalledAnswer);
        await Eventually.Until(() => !PartFiles().Any(), "no part file left");
    }

    /// <summary>
    /// Starts an upload that promises 200 KB and sends 100 KB (which Kestrel's minimum rate alone would let stall for
    /// 7 minutes); returns the first line of the answer if asked to wait for one.
    /// </summary>
    private async Task<(System.Net.Sockets.TcpClient Client, string? Answer)> SendPartialUploadAsync(bool waitForAnswer)
    {
        var client = new System.Net.Sockets.TcpClient();
        await client.ConnectAsync(cluster.Gateway.BaseAddress!.Host, cluster.Gateway.BaseAddress.Port);
        var stream = client.GetStream();
        var head = $"--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"stall.csv\"\r\n\r\n{InboxFiles.Csv(_prefix, rows: 4_000, users: 4_000)}";
        var request = $"POST /upload HTTP/1.1\r\nHost: x\r\nX-Api-Key: {RedisClusterFixture.ApiKeys.Split(',')[0]}\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: 200000\r\n\r\n{head}";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        await Eventually.Until(() => PartFiles().Any(), "the part file started");
        if (!waitForAnswer) return (client, null);
        using var reader = new StreamReader(stream, Encoding.ASCII, leaveOpen: true);
        var answer = await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60)); // the gateway's idle timeout: 2 s here
        return (client, answer);
    }

    [Fact]
    public async Task An_over_long_file_name_is_shortened_and_identical_uploads_at_once_say_truly_which_was_first()
    {
        var content = InboxFiles.Csv(_prefix, rows: 2, users: 2);
        var name = new string('n', 300) + ".csv";

        var answers = await Task.WhenAll(Enumerable.Range(0, 10).Select(async _ => await (await UploadAsync(content, name)).Content.ReadFromJsonAsync<JsonElement>()));
        await cluster.CompletedAsync(InboxFiles.FileId(content));

        Assert.Equal(1, answers.Count(a => !a.GetProperty("alreadyKnown").GetBoolean()));
        Assert.All(answers, a => Assert.Equal(new string('n', 96) + ".csv", a.GetProperty("name").GetString()));
        Assert.Equal(2, DeliveredRows().Count);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(cluster.Inbox, "uploads"), $"{InboxFiles.FileId(content)[..12]}-*")); // the first archived, the rest deleted
    }

    [Fact]
    public async Task Files_are_listed_newest_first()
    {
        var older = InboxFiles.Csv(_prefix + "x", rows: 1, users: 1);
        var newer = InboxFiles.Csv(_prefix + "y", rows: 1, users: 1);
        await UploadAsync(older, "older.csv");
        await UploadAsync(newer, "newer.csv");

        var files = await cluster.Gateway.GetFromJsonAsync<JsonElement[]>("/files?limit=2");

        Assert.Equal([InboxFiles.FileId(newer), InboxFiles.FileId(older)], files!.Select(f => f.GetProperty("fileId").GetString()));
    }

    [Fact]
    public async Task A_file_scheduled_a_day_ahead_waits_until_a_patch_starts_it_and_bad_changes_get_clear_errors()
    {
        var content = InboxFiles.Csv(_prefix, rows: 5, users: 5);
        var response = await UploadAsync(content, "later.csv", ("notBefore", DateTimeOffset.UtcNow.AddDays(1).ToString("O")));
        var accepted = await response.Content.ReadFromJsonAsync<JsonElement>();
        var fileId = accepted.GetProperty("fileId").GetString()!;
        var badTime = await UploadAsync(InboxFiles.Csv(_prefix + "x", 1, 1), "x.csv", ("notBefore", "soon"));
        var badPriority = await UploadAsync(InboxFiles.Csv(_prefix + "y", 1, 1), "y.csv", ("priority", "1"));
        var tooFar = await UploadAsync(InboxFiles.Csv(_prefix + "z", 1, 1), "z.csv", ("notBefore", DateTimeOffset.UtcNow.AddDays(31).ToString("O")));
        var empty = await PatchAsync(fileId, "{}");
        var unknownPriority = await PatchAsync(fileId, """{"priority": "urgent"}""");
        var scheduled = (await cluster.FileAsync(fileId))!.Value;

        var started = await PatchAsync(fileId, """{"notBefore": null, "priority": "high"}""");
        var startedFile = await started.Content.ReadFromJsonAsync<JsonElement>();
        await cluster.CompletedAsync(fileId);
        var again = await PatchAsync(fileId, """{"priority": "normal"}""");
        var cancelDone = await cluster.Gateway.PostAsync($"/files/{fileId}/cancel", null);

        Assert.Equal("Scheduled", accepted.GetProperty("status").GetString());
        Assert.Equal(("Scheduled", JsonValueKind.String), (scheduled.GetProperty("status").GetString(), scheduled.GetProperty("notBefore").ValueKind));
        Assert.Equal((HttpStatusCode.BadRequest, "'notBefore' must be an ISO 8601 time, such as 2026-12-24T21:00:00Z"), (badTime.StatusCode, await DetailAsync(badTime)));
        Assert.Equal((HttpStatusCode.BadRequest, "'priority' must be high or normal"), (badPriority.StatusCode, await DetailAsync(badPriority)));
        Assert.Equal((HttpStatusCode.BadRequest, "notBefore is at most 30 days ahead"), (tooFar.StatusCode, await DetailAsync(tooFar)));
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Contains("notBefore", await DetailAsync(empty));
        Assert.Equal(HttpStatusCode.BadRequest, unknownPriority.StatusCode);
        Assert.Equal(HttpStatusCode.OK, started.StatusCode);
        Assert.NotEqual("Scheduled", startedFile.GetProperty("status").GetString());
        Assert.Equal("High", startedFile.GetProperty("priority").GetString());
        Assert.Equal(5, DeliveredRows().Count);
        Assert.Equal((HttpStatusCode.Conflict, HttpStatusCode.Conflict), (again.StatusCode, cancelDone.StatusCode)); // a completed file is done
    }

    private Task<HttpResponseMessage> PatchAsync(string fileId, string json) =>
        cluster.Gateway.PatchAsync($"/files/{fileId}", new StringContent(json, Encoding.UTF8, "application/json"));

    private Task<HttpResponseMessage> UploadAsync(string content, string name, params (string Name, string Value)[] fields)
    {
        var form = new MultipartFormDataContent { { new ByteArrayContent(Encoding.UTF8.GetBytes(content)), "file", name } };
        foreach (var (field, value) in fields) form.Add(new StringContent(value), field);
        return cluster.Gateway.PostAsync("/upload", form);
    }

    private IEnumerable<string> PartFiles()
    {
        var uploads = Path.Combine(cluster.Inbox, "uploads");
        return Directory.Exists(uploads) ? Directory.EnumerateFiles(uploads, "*.part") : [];
    }

    private List<(string UserId, string AlertMessage)> DeliveredRows() =>
        cluster.Notifier.ReadRows().Where(r => r.UserId.StartsWith(_prefix)).ToList();

    private static async Task<string?> DetailAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString();
}
