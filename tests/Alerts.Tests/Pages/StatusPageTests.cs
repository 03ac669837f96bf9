using System.Net.Http.Json;
using System.Text.Json;
using Alerts.Tests.Integration;
using Alerts.Tests.Support;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;

namespace Alerts.Tests.Pages;

/// <summary>
/// The status page in a real headless Chromium (Debian's chromium and chromium-driver, which <c>make test</c>
/// installs) against the real gateway with an API key: asked for the key once, an upload through the form followed to
/// completion, the file's page, the delivery switch, the dashboard and the API reference. Screenshots go to
/// TestResults/screenshots.
/// </summary>
[Collection(RedisClusterCollection.Name)]
public sealed class StatusPageTests(RedisClusterFixture cluster) : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);
    private readonly string _prefix = "pg" + Guid.NewGuid().ToString("n")[..8];
    private readonly TempFolder _folder = new();
    private readonly ChromeDriver _browser = StartBrowser();

    [Fact]
    public async Task An_upload_through_the_page_is_followed_to_completion_after_the_key_is_given_once()
    {
        var csv = _folder.Combine($"{_prefix}.csv");
        await File.WriteAllTextAsync(csv, InboxFiles.Csv(_prefix, rows: 30, users: 30));
        var fileId = InboxFiles.FileId(await File.ReadAllTextAsync(csv));

        await SignInAsync();

        _browser.FindElement(By.Id("upload-file")).SendKeys(csv);
        _browser.FindElement(By.Id("upload-button")).Click();
        await UntilAsync(() => _browser.FindElement(By.Id("detail-status")).Text == "Completed", "the uploaded file completes on its page");
        Screenshot("file-completed");

        Assert.EndsWith($"#file={fileId}", _browser.Url);
        Assert.Equal($"{_prefix}.csv", TextOf("#detail-name"));
        Assert.Equal("30", TextOf("dd[data-count='delivered']"));
        // Each figure sits under its own label, however the grid wraps. Read in one go: the page redraws the grid every
        // two seconds, and element by element a slow machine would read half of one drawing and half of the next.
        var pairs = (IReadOnlyCollection<object>)((IJavaScriptExecutor)_browser).ExecuteScript("""
            return [...document.querySelectorAll("#detail-counts dd")].map((dd) => {
              const dt = dd.previousElementSibling, v = dd.getBoundingClientRect(), l = dt.getBoundingClientRect();
              return [dd.dataset.count, dt.textContent, Math.round(v.left) === Math.round(l.left), l.top < v.top];
            });
            """)!;
        Assert.NotEmpty(pairs);
        Assert.All(pairs.Cast<IReadOnlyCollection<object>>().Select(p => p.ToArray()), pair =>
            Assert.Equal((pair[0], true, true), (pair[1], (bool)pair[2], (bool)pair[3])));
        Assert.Contains($"{_prefix}.csv accepted", _browser.FindElement(By.Id("upload-result")).Text);
        await UntilAsync(() => _browser.FindElements(By.CssSelector($"#files tr[data-file-id='{fileId}'][data-status='Completed']")).Count == 1, "the list shows it completed");
        Assert.Equal(30, cluster.Notifier.ReadRows().Count(r => r.UserId.StartsWith(_prefix)));

        // The key lives in a cookie: the report link and the dashboard work without asking again.
        _browser.Navigate().GoToUrl(new Uri(cluster.Gateway.BaseAddress!, "/dashboard/").ToString());
        await UntilAsync(() => _browser.Title.Length > 0 && _browser.PageSource.Contains("index.min.js"), "the dashboard page");
        Screenshot("dashboard");
        _browser.Navigate().GoToUrl(new Uri(cluster.Gateway.BaseAddress!, "/docs").ToString());
        await UntilAsync(() => _browser.PageSource.Contains("Upload files of (userId, alertMessage) rows"), "the API reference, rendered from the document");
        Screenshot("docs");
    }

    [Fact]
    public async Task The_delivery_switch_and_a_files_pause_button_pause_and_resume_and_show_it()
    {
        var csv = _folder.Combine($"{_prefix}-held.csv");
        await File.WriteAllTextAsync(csv, InboxFiles.Csv(_prefix + "h", rows: 20, users: 20));
        try
        {
            await SignInAsync();
            await UntilAsync(() => _browser.FindElement(By.Id("delivery-switch")).Displayed, "the delivery switch");

            _browser.FindElement(By.Id("delivery-switch")).Click();
            await UntilAsync(() => _browser.FindElement(By.Id("delivery-state")).GetDomAttribute("data-paused") == "true", "the page shows delivery paused");
            Screenshot("delivery-paused");
            var paused = await cluster.Gateway.GetFromJsonAsync<JsonElement>("/delivery");
            // A file uploaded meanwhile waits: its own button pauses and resumes it.
            _browser.FindElement(By.Id("upload-file")).SendKeys(csv);
            _browser.FindElement(By.Id("upload-button")).Click();
            await UntilAsync(() => _browser.FindElement(By.Id("pause-button")).Displayed, "the file's pause button");
            _browser.FindElement(By.Id("pause-button")).Click();
            await UntilAsync(() => _browser.FindElement(By.Id("detail-status")).Text == "Paused", "the file shows paused");
            Screenshot("file-paused");
            _browser.FindElement(By.Id("pause-button")).Click();
            await UntilAsync(() => _browser.FindElement(By.Id("detail-status")).Text is "Reading" or "Delivering", "the file shows running again");
            _browser.FindElement(By.Id("delivery-switch")).Click();
            await UntilAsync(() => _browser.FindElement(By.Id("delivery-state")).GetDomAttribute("data-paused") == "false", "the page shows delivery running");
            var resumed = await cluster.Gateway.GetFromJsonAsync<JsonElement>("/delivery");
            await UntilAsync(() => _browser.FindElement(By.Id("detail-status")).Text == "Completed", "the file completes once resumed");

            Assert.True(paused.GetProperty("paused").GetBoolean());
            Assert.False(resumed.GetProperty("paused").GetBoolean());
            Assert.Equal("Pause all delivery", _browser.FindElement(By.Id("delivery-switch")).Text);
            Assert.Equal(20, cluster.Notifier.ReadRows().Count(r => r.UserId.StartsWith(_prefix + "h")));
        }
        finally
        {
            await cluster.Gateway.PostAsync("/delivery/resume", null); // the cluster is shared with other tests
        }
    }

    [Fact]
    public async Task A_file_uploaded_for_later_with_high_priority_shows_scheduled_and_its_cancel_button_asks_first()
    {
        var later = _folder.Combine($"{_prefix}-later.csv");
        await File.WriteAllTextAsync(later, InboxFiles.Csv(_prefix + "l", rows: 10, users: 10));
        var now = _folder.Combine($"{_prefix}-now.csv");
        await File.WriteAllTextAsync(now, InboxFiles.Csv(_prefix + "n", rows: 300, users: 300));
        await SignInAsync();

        // An hour ahead in the browser's own time zone, as the picker would give it; and high priority.
        ((IJavaScriptExecutor)_browser).ExecuteScript("""
            const at = new Date(Date.now() + 3600e3);
            at.setMinutes(at.getMinutes() - at.getTimezoneOffset());
            document.getElementById("upload-at").value = at.toISOString().slice(0, 16);
            document.getElementById("upload-priority").value = "high";
            """);
        _browser.FindElement(By.Id("upload-file")).SendKeys(later);
        _browser.FindElement(By.Id("upload-button")).Click();
        await UntilAsync(() => _browser.FindElement(By.Id("detail-status")).Text == "Scheduled", "the file shows scheduled");
        var priority = TextOf("#detail-counts dd[data-count='priority']");
        var notBefore = TextOf("#detail-counts dd[data-count='not before']");
        Screenshot("file-scheduled");
        _browser.FindElement(By.Id("cancel-button")).Click();
        _browser.SwitchTo().Alert().Dismiss(); // changed their mind: nothing happens
        var afterDismiss = await cluster.Gateway.GetFromJsonAsync<JsonElement>($"/files/{InboxFiles.FileId(InboxFiles.Csv(_prefix + "l", rows: 10, users: 10))}");
        _browser.FindElement(By.Id("cancel-button")).Click();
        _browser.SwitchTo().Alert().Accept();
        await UntilAsync(() => _browser.FindElement(By.Id("detail-status")).Text == "Cancelled", "the file shows cancelled");
        var cancelButtonShown = _browser.FindElement(By.Id("cancel-button")).Displayed;
        // A file delivered now shows on the cluster's chart, with the budget beside it.
        ((IJavaScriptExecutor)_browser).ExecuteScript("""document.getElementById("upload-at").value = ""; document.getElementById("upload-priority").value = "normal";""");
        _browser.FindElement(By.Id("upload-file")).SendKeys(now);
        _browser.FindElement(By.Id("upload-button")).Click();
        await UntilAsync(() => _browser.FindElement(By.Id("detail-status")).Text == "Completed", "the file delivered now completes");
        await UntilAsync(() => double.Parse(_browser.FindElement(By.Id("cluster-chart")).GetDomAttribute("data-max") ?? "0") > 0, "the chart shows deliveries");
        // Each silo's part: both of the cluster's silos sent some of the file's alerts, so both are listed.
        await UntilAsync(() => _browser.FindElements(By.CssSelector("#silos tbody tr")).Count == 2, "both silos listed with their part");
        var users = TextsOf("#silos tbody tr td:nth-child(4)");
        Screenshot("charts");

        Assert.Equal("high", priority);
        Assert.NotEmpty(notBefore);
        Assert.Equal("Scheduled", afterDismiss.GetProperty("status").GetString());
        Assert.False(cancelButtonShown);
        Assert.Equal(0, cluster.Notifier.ReadRows().Count(r => r.UserId.StartsWith(_prefix + "l")));
        Assert.NotEmpty(_browser.FindElements(By.CssSelector("#cluster-chart canvas"))); // drawn by the chart library, served by the gateway
        Assert.NotEmpty(_browser.FindElements(By.CssSelector("#file-chart canvas")));
        Assert.Contains("budget/s", TextOf("#cluster-chart"));
        Assert.All(users, held => Assert.True(int.TryParse(held, System.Globalization.NumberStyles.AllowThousands, System.Globalization.CultureInfo.InvariantCulture, out _), held));
    }

    [Fact]
    public async Task The_openapi_document_types_the_answers_the_upload_form_and_the_key()
    {
        using var anonymous = new HttpClient { BaseAddress = cluster.Gateway.BaseAddress };
        var document = JsonDocument.Parse(await anonymous.GetStringAsync("/openapi/v1.json")).RootElement; // public: it holds no data

        var upload = document.GetProperty("paths").GetProperty("/upload").GetProperty("post");
        var form = upload.GetProperty("requestBody").GetProperty("content").GetProperty("multipart/form-data").GetProperty("schema").GetProperty("properties");
        Assert.Equal(["alertMessage", "file", "force", "notBefore", "priority"], form.EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal(["202", "400", "408", "413", "415"], upload.GetProperty("responses").EnumerateObject().Select(r => r.Name).Order());
        var fileAnswer = document.GetProperty("paths").GetProperty("/files/{fileId}").GetProperty("get").GetProperty("responses");
        Assert.Contains("application/problem+json", fileAnswer.GetProperty("404").GetProperty("content").EnumerateObject().Select(c => c.Name));
        Assert.True(document.GetProperty("components").GetProperty("schemas").TryGetProperty("FileSummary", out _));
        Assert.True(document.GetProperty("components").GetProperty("schemas").TryGetProperty("DeliveryState", out _));
        Assert.True(document.GetProperty("paths").GetProperty("/delivery/pause").TryGetProperty("post", out _));
        Assert.True(document.GetProperty("paths").GetProperty("/files/{fileId}/cancel").TryGetProperty("post", out _));
        var change = document.GetProperty("paths").GetProperty("/files/{fileId}").GetProperty("patch");
        Assert.Equal(["200", "400", "404", "409"], change.GetProperty("responses").EnumerateObject().Select(r => r.Name).Order());
        Assert.True(document.GetProperty("components").GetProperty("schemas").TryGetProperty("FileChange", out _));
        Assert.Equal("X-Api-Key", document.GetProperty("components").GetProperty("securitySchemes").GetProperty("ApiKey").GetProperty("name").GetString());
    }

    private static ChromeDriver StartBrowser()
    {
        var options = new ChromeOptions { BinaryLocation = "/usr/bin/chromium" };
        // Headless as root on a machine with a closed network: no sandbox, nothing phoning home.
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync", "--window-size=1280,1000");
        var service = ChromeDriverService.CreateDefaultService("/usr/bin", "chromedriver");
        service.HideCommandPromptWindow = true;
        return new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
    }

    private async Task SignInAsync()
    {
        _browser.Navigate().GoToUrl(cluster.Gateway.BaseAddress!.ToString());
        await UntilAsync(() => _browser.FindElement(By.Id("key-form")).Displayed, "the page asks for the key");
        _browser.FindElement(By.Id("api-key")).SendKeys(RedisClusterFixture.ApiKeys.Split(',')[0]);
        _browser.FindElement(By.Id("save-key")).Click();
        await UntilAsync(() => !_browser.FindElement(By.Id("key-form")).Displayed, "the key is taken");
    }

    private async Task UntilAsync(Func<bool> condition, string what)
    {
        try
        {
            await Eventually.Until(() => Holds(condition), what, Patience);
        }
        catch (TimeoutException)
        {
            Screenshot("failed");
            throw new TimeoutException($"{what}: not reached within {Patience}; page at {_browser.Url}");
        }
    }

    // Read in one script: the page redraws its grids every two seconds, and an element found just before a redraw is
    // stale when its text is read.
    private string TextOf(string selector) =>
        (string)((IJavaScriptExecutor)_browser).ExecuteScript("return document.querySelector(arguments[0])?.innerText ?? '';", selector)!;

    private List<string> TextsOf(string selector) =>
        [.. ((IReadOnlyCollection<object>)((IJavaScriptExecutor)_browser).ExecuteScript(
            "return [...document.querySelectorAll(arguments[0])].map((element) => element.innerText);", selector)!).Cast<string>()];

    private static bool Holds(Func<bool> condition)
    {
        try
        {
            return condition();
        }
        catch (WebDriverException)
        {
            return false; // the element is not there yet, or was redrawn while read
        }
    }

    /// <summary>Kept as a test artefact under TestResults/screenshots.</summary>
    private void Screenshot(string name)
    {
        var folder = Path.Combine(RepoPaths.Root, "tests", "Alerts.Tests", "TestResults", "screenshots");
        Directory.CreateDirectory(folder);
        _browser.GetScreenshot().SaveAsFile(Path.Combine(folder, $"status-page-{name}.png"));
    }

    public void Dispose()
    {
        _browser.Quit();
        _folder.Dispose();
    }
}
