using System.Diagnostics;
using System.Globalization;
using System.Text;
using InternS1.Batch.Tests.Infrastructure;
using InternS1.Batch.Worker.Scratch;
using Npgsql;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;

namespace InternS1.Batch.Cli.Tests.Dashboard;

/// <summary>
/// <c>interns1 dashboard --urls ...</c> as a user runs it, with a read-only login made as the README says
/// (<c>CREATE ROLE ... LOGIN ... IN ROLE interns1_dashboard</c>), on a scratch database seeded with known rows
/// (<see cref="DashboardSeed"/>), looked at in Debian's Chromium driven headless by Selenium with Debian's
/// chromedriver (nothing downloaded). The numbers on the pages equal the SQL of the views, the chart has one point
/// per minute of the window, the export link serves exactly what <c>interns1 export</c> prints, the page has no
/// write action and shows no payload or exception text. Screenshots are saved under the test output.
/// </summary>
[Trait("Category", "Service")]
public class DashboardBrowserTests
{
    private const string Chromium = "/usr/bin/chromium";
    private const string Chromedriver = "/usr/bin/chromedriver";

    [Fact]
    public async Task The_overview_and_a_dataset_page_show_the_numbers_of_the_views_in_a_real_browser()
    {
        Assert.True(File.Exists(Chromium) && File.Exists(Chromedriver), "Debian's chromium and chromium-driver are needed (ops/test.sh installs them)");
        await using var scratch = await ScratchEnvironment.CreateAsync(TestServices.Postgres, TestServices.RabbitMq, "t_dash", default);
        await Database.ExecuteAsync(scratch.ConnectionString, DashboardSeed.Sql);
        await using var login = await ReadOnlyLogin.CreateAsync(scratch.ConnectionString);
        var port = MetricsScrape.FreePort();
        var baseUrl = $"http://127.0.0.1:{port}/";
        using var dashboard = Start(login.ConnectionString, port, out var output);
        var shots = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "TestResults", "dashboard")).FullName;
        var profile = Directory.CreateTempSubdirectory("interns1-chromium-").FullName;
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri(baseUrl) };
            await TestServices.WaitUntilAsync(async () =>
            {
                try { return (await http.GetStringAsync("healthz")) == "ok"; }
                catch (HttpRequestException) { return false; }
            }, TimeSpan.FromMinutes(1), () => { lock (output) return Task.FromResult($"exited: {dashboard.HasExited}; {output}"); });

            using var browser = Browser(profile);
            browser.Navigate().GoToUrl(baseUrl);

            // Overview: the row of each dataset equals dataset_progress + dataset_rates + dataset_tokens.
            foreach (var dataset in new[] { "screen", "other" })
            {
                var expected = await OverviewFromSqlAsync(scratch.ConnectionString, dataset);
                var row = browser.FindElement(By.CssSelector($"#datasets tr[data-dataset='{dataset}']"));
                foreach (var (field, value) in expected)
                    Assert.True(value == Cell(row, field), $"{dataset}.{field}: page shows '{Cell(row, field)}', SQL says '{value}'");
                var bar = row.FindElement(By.TagName("progress"));
                Assert.Equal((long.Parse(expected["total"]) - long.Parse(expected["pending"])).ToString(), bar.GetDomAttribute("value"));
                Assert.Equal(expected["total"], bar.GetDomAttribute("max"));
            }
            // The hand-computed rate of the seed: 5 ended in 300 s, 200 completion tokens, 5 pending.
            var screen = browser.FindElement(By.CssSelector("#datasets tr[data-dataset='screen']"));
            Assert.Equal(("1.0", "0.7", "5m 00s"), (Cell(screen, "jobs_per_minute"), Cell(screen, "output_tokens_per_second"), Cell(screen, "eta")));
            Assert.Equal("done", Cell(browser.FindElement(By.CssSelector("#datasets tr[data-dataset='other']")), "eta"));
            Assert.Equal("30", browser.FindElement(By.CssSelector("meta[http-equiv='refresh']")).GetDomAttribute("content"));
            Screenshot(browser, Path.Combine(shots, "overview.png"));

            // A dataset page, reached through its link.
            screen.FindElement(By.CssSelector("td[data-field='dataset'] a")).Click();
            Assert.EndsWith("/datasets/screen", browser.Url);
            var summary = browser.FindElement(By.Id("summary"));
            Assert.Equal(("20", "10", "2", "3", "5"), (Cell(summary, "total"), Cell(summary, "succeeded"), Cell(summary, "cancelled"), Cell(summary, "dead_lettered"), Cell(summary, "pending")));

            var tokens = browser.FindElement(By.Id("tokens"));
            var tokenRow = (await Database.RowsAsync(scratch.ConnectionString,
                "SELECT jobs, prompt_tokens, cached_tokens, image_tokens, video_tokens, completion_tokens, reasoning_tokens FROM dataset_tokens WHERE dataset = 'screen'"))[0];
            Assert.Equal(tokenRow.Select(v => Convert.ToInt64(v).ToString(CultureInfo.InvariantCulture)).ToArray(),
                new[] { "jobs", "prompt_tokens", "cached_tokens", "image_tokens", "video_tokens", "completion_tokens", "reasoning_tokens" }.Select(f => Cell(tokens, f)).ToArray());
            // By hand from the seed: prompt 301..310, cached 10k, image 3 x 256, video 64, completion 20k, reasoning 3k.
            Assert.Equal(new[] { "10", "3055", "550", "768", "64", "1100", "165" }, new[] { "jobs", "prompt_tokens", "cached_tokens", "image_tokens", "video_tokens", "completion_tokens", "reasoning_tokens" }.Select(f => Cell(tokens, f)).ToArray());

            var latency = (await Database.RowsAsync(scratch.ConnectionString,
                "SELECT end_to_end_p50_ms, end_to_end_p90_ms, end_to_end_p99_ms, queue_p50_ms, queue_p99_ms, decode_p50_ms, decode_p99_ms FROM latency_percentiles WHERE dataset = 'screen'"))[0]
                .Select(v => Convert.ToDouble(v).ToString("0", CultureInfo.InvariantCulture)).ToArray();
            string Latency(string measure, string p) => Cell(browser.FindElement(By.CssSelector($"#latency tr[data-measure='{measure}']")), p);
            Assert.Equal(latency, new[] { Latency("end_to_end", "p50"), Latency("end_to_end", "p90"), Latency("end_to_end", "p99"),
                Latency("queue", "p50"), Latency("queue", "p99"), Latency("decode", "p50"), Latency("decode", "p99") });
            Assert.Equal("8", Latency("queue", "p50")); // median of 1.5 k for k = 1..10 = 1.5 x 5.5 = 8.25

            var failures = browser.FindElements(By.CssSelector("#failures tr[data-reason]"))
                .Select(r => (r.GetDomAttribute("data-reason"), Cell(r, "dead_letters"))).ToList();
            Assert.Equal([("invalid_sampling", "2"), ("media_unreadable", "1")], failures);
            // Dashboard:DeadLetterRows = 2: the two newest, newest first, message shown, payload and exception never.
            var dead = browser.FindElements(By.CssSelector("#dead-letters td[data-field='job_id']")).Select(e => e.Text).ToList();
            Assert.Equal(["d1", "d2"], dead);
            Assert.Contains("sampling.top_p: 1.5 is not in (0, 1]", browser.PageSource);
            Assert.DoesNotContain("SECRET-", browser.PageSource);
            Assert.DoesNotContain("<form", browser.PageSource, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("method=", browser.PageSource, StringComparison.OrdinalIgnoreCase);

            // The chart: one point per minute from the first to the last minute with a finished job, within the
            // 15-minute window (Dashboard:ThroughputWindow) that ends at the last one; counted by SQL independently.
            var expectedPoints = await Database.CountAsync(scratch.ConnectionString, """
                WITH m AS (SELECT minute FROM throughput_per_minute WHERE dataset = 'screen'),
                     w AS (SELECT minute FROM m WHERE minute > (SELECT max(minute) FROM m) - interval '15 minutes')
                SELECT count(*) FROM generate_series((SELECT min(minute) FROM w), (SELECT max(minute) FROM w), interval '1 minute')
                """);
            Assert.InRange(expectedPoints, 10, 16);
            var chart = browser.FindElement(By.Id("throughput-chart"));
            Assert.Equal(expectedPoints, chart.FindElements(By.CssSelector("circle.point")).Count);
            Assert.Equal(expectedPoints.ToString(), chart.GetDomAttribute("data-points"));
            Assert.True(chart.Size.Width > 300 && chart.Size.Height > 100, $"the chart is drawn ({chart.Size})");
            var ended = chart.FindElements(By.CssSelector("circle.point")).Sum(c => int.Parse(c.GetDomAttribute("data-ended")!));
            Assert.Equal(await Database.CountAsync(scratch.ConnectionString, """
                SELECT coalesce(sum(succeeded + not_succeeded), 0) FROM throughput_per_minute WHERE dataset = 'screen'
                  AND minute > (SELECT max(minute) FROM throughput_per_minute WHERE dataset = 'screen') - interval '15 minutes'
                """), ended);
            Screenshot(browser, Path.Combine(shots, "dataset.png"));

            // The export link serves byte for byte what interns1 export prints (with the owner's login).
            var href = browser.FindElement(By.Id("export")).GetDomProperty("href")!;
            var download = await http.GetAsync(href);
            Assert.Equal("application/x-ndjson", download.Content.Headers.ContentType!.MediaType);
            var cli = await CliRun.RunAsync(new Dictionary<string, string> { ["ConnectionStrings__Postgres"] = scratch.ConnectionString }, "export", "--dataset", "screen");
            Assert.True(cli.Exit == 0, cli.Err);
            Assert.Equal(cli.Out, await download.Content.ReadAsStringAsync());
            Assert.Equal(15, cli.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
            Assert.Contains("\"code\":\"cancelled\",\"message\":\"cancelled by tester@lab at ", cli.Out);
            Assert.Equal(System.Net.HttpStatusCode.NotFound, (await http.GetAsync("datasets/no-such")).StatusCode);
        }
        finally
        {
            if (!dashboard.HasExited)
                Process.Start("kill", ["-TERM", dashboard.Id.ToString()])!.WaitForExit();
            await dashboard.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            Directory.Delete(profile, recursive: true);
        }
        Assert.Equal(0, dashboard.ExitCode);
    }

    [Fact]
    public async Task The_dashboard_refuses_a_login_that_can_write_and_a_missing_connection_string()
    {
        await using var scratch = await ScratchEnvironment.CreateAsync(TestServices.Postgres, TestServices.RabbitMq, "t_dash_refuse", default);
        var port = MetricsScrape.FreePort().ToString();
        var owner = await CliRun.RunAsync(new Dictionary<string, string> { ["ConnectionStrings__Dashboard"] = scratch.ConnectionString },
            "dashboard", "--urls", $"http://127.0.0.1:{port}");
        Assert.Equal(2, owner.Exit);
        Assert.Contains("which can change data", owner.Err);
        Assert.Contains("IN ROLE interns1_dashboard", owner.Err);

        var none = await CliRun.RunAsync(new Dictionary<string, string> { ["ConnectionStrings__Dashboard"] = "" }, "dashboard", "--urls", $"http://127.0.0.1:{port}");
        Assert.Equal(2, none.Exit);
        Assert.Contains("ConnectionStrings:Dashboard is not set", none.Err);
    }

    /// <summary>The overview's fields of one dataset, read from the views by the owner and written as the page writes numbers.</summary>
    private static async Task<Dictionary<string, string>> OverviewFromSqlAsync(string connectionString, string dataset)
    {
        var r = (await Database.RowsAsync(connectionString, """
            SELECT p.total, p.succeeded, p.failed, p.dead_lettered, p.cancelled, p.pending, r.jobs_per_minute, r.output_tokens_per_second,
                   coalesce(t.prompt_tokens, 0), coalesce(t.completion_tokens, 0)
            FROM dataset_progress p JOIN dataset_rates r USING (dataset) LEFT JOIN dataset_tokens t USING (dataset)
            WHERE p.dataset = @d
            """, ("d", dataset)))[0];
        static string N(object? v) => Convert.ToInt64(v).ToString(CultureInfo.InvariantCulture);
        static string R(object? v) => v is null ? "-" : Convert.ToDouble(v).ToString("0.0", CultureInfo.InvariantCulture);
        return new Dictionary<string, string>
        {
            ["dataset"] = dataset, ["total"] = N(r[0]), ["succeeded"] = N(r[1]), ["failed"] = N(r[2]), ["dead_lettered"] = N(r[3]),
            ["cancelled"] = N(r[4]), ["pending"] = N(r[5]), ["jobs_per_minute"] = R(r[6]), ["output_tokens_per_second"] = R(r[7]),
            ["prompt_tokens"] = N(r[8]), ["completion_tokens"] = N(r[9]),
        };
    }

    private static string Cell(ISearchContext row, string field) => row.FindElement(By.CssSelector($"td[data-field='{field}']")).Text.Trim();

    private static void Screenshot(ChromeDriver browser, string path) => browser.GetScreenshot().SaveAsFile(path);

    private static ChromeDriver Browser(string profile)
    {
        var options = new ChromeOptions { BinaryLocation = Chromium };
        options.AddArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--window-size=1400,1100", $"--user-data-dir={profile}");
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(Chromedriver)!, Path.GetFileName(Chromedriver));
        service.SuppressInitialDiagnosticInformation = true;
        var driver = new ChromeDriver(service, options, TimeSpan.FromMinutes(2));
        driver.Manage().Timeouts().PageLoad = TimeSpan.FromMinutes(1);
        return driver;
    }

    private static Process Start(string connectionString, int port, out StringBuilder output)
    {
        var info = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "interns1.dll"), "dashboard", "--urls", $"http://127.0.0.1:{port}"])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        info.Environment["ConnectionStrings__Dashboard"] = connectionString;
        info.Environment["INTERNS1_Dashboard__RefreshInterval"] = "00:00:30";
        info.Environment["INTERNS1_Dashboard__DeadLetterRows"] = "2";
        info.Environment["INTERNS1_Dashboard__ThroughputWindow"] = "00:15:00";
        var log = new StringBuilder();
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        output = log;
        return process;
    }

    /// <summary>A login made as the README says, <c>CREATE ROLE name LOGIN PASSWORD '...' IN ROLE interns1_dashboard</c>
    /// (roles are cluster-wide: a unique name, dropped afterwards).</summary>
    private sealed class ReadOnlyLogin : IAsyncDisposable
    {
        private readonly string _owner;
        private readonly string _name;

        private ReadOnlyLogin(string owner, string name, string connectionString)
        {
            _owner = owner;
            _name = name;
            ConnectionString = connectionString;
        }

        public string ConnectionString { get; }

        public static async Task<ReadOnlyLogin> CreateAsync(string ownerConnectionString)
        {
            var name = $"t_dash_{Guid.NewGuid():N}"[..30];
            await Database.ExecuteAsync(TestServices.PostgresSuperuser, $"CREATE ROLE {name} LOGIN PASSWORD 'dash-pw' IN ROLE interns1_dashboard");
            var cs = new NpgsqlConnectionStringBuilder(ownerConnectionString) { Username = name, Password = "dash-pw", Pooling = false }.ConnectionString;
            return new ReadOnlyLogin(ownerConnectionString, name, cs);
        }

        public async ValueTask DisposeAsync()
        {
            try
            {
                await Database.ExecuteAsync(TestServices.PostgresSuperuser, $"DROP ROLE IF EXISTS {_name}");
            }
            catch (PostgresException e)
            {
                Console.Error.WriteLine($"could not drop role {_name}: {e.Message}");
            }
        }
    }
}
