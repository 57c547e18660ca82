using System.Diagnostics;
using System.Net;
using System.Text;
using InternS1.Batch.Cli.Tests.RealModel;
using InternS1.Batch.Tests.Infrastructure;
using InternS1.Batch.Worker.Scratch;

namespace InternS1.Batch.Cli.Tests.Processes;

/// <summary>
/// <c>interns1 serve --urls URL</c> as a user runs it, on a tiny Intern-S1 checkpoint and a scratch PostgreSQL
/// database: it listens where <c>--urls</c> says, and each request's row lands in the dataset of the
/// <c>X-InternS1-Dataset</c> header, else of the body's <c>user</c> field, else of <c>Serve:Dataset</c>.
/// <c>Serve:ReservedSeqs</c> reaches the engine's scheduler: all of <c>Engine:MaxNumSeqs</c> reserved is refused at start.
/// </summary>
[Trait("Category", "Service")]
public class ServeProcessTests(TinyModelFixture model) : IClassFixture<TinyModelFixture>
{
    private const string Body = """{"model":"intern-s1","messages":[{"role":"user","content":"Name one noble gas."}],"max_tokens":2""";

    [Fact]
    public async Task Serve_listens_on_the_urls_given_and_files_requests_under_the_header_user_or_default_dataset()
    {
        await using var scratch = await ScratchEnvironment.CreateAsync(TestServices.Postgres, TestServices.RabbitMq, "t_serve_proc", default);
        var url = $"http://127.0.0.1:{MetricsScrape.FreePort()}";
        using var serve = Start(scratch.ConnectionString, out var output, "--urls", url, "--Serve:Dataset=curation", "--Serve:ReservedSeqs=1");
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromMinutes(2) };
            await TestServices.WaitUntilAsync(async () =>
            {
                try { return (await http.GetAsync("/health")).StatusCode == HttpStatusCode.OK; }
                catch (HttpRequestException) { return false; }
            }, TimeSpan.FromMinutes(3), () => { lock (output) return Task.FromResult($"serve exited: {serve.HasExited}; output:\n{output}"); });

            await PostAsync(http, Body + "}", null);
            await PostAsync(http, Body + ""","user":"from-user"}""", null);
            await PostAsync(http, Body + ""","user":"from-user"}""", "from-header");

            var rows = (await Database.RowsAsync(scratch.ConnectionString,
                    "SELECT j.dataset FROM jobs j JOIN results r ON r.job_id = j.id WHERE j.status = 'succeeded' ORDER BY j.dataset"))
                .Select(r => (string)r[0]!).ToArray();
            Assert.Equal(["curation", "from-header", "from-user"], rows);
        }
        finally
        {
            if (!serve.HasExited)
                Process.Start("kill", ["-TERM", serve.Id.ToString()])!.WaitForExit();
            await serve.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
        }
        Assert.Equal(0, serve.ExitCode);
    }

    [Fact]
    public async Task Reserving_every_engine_slot_for_interactive_requests_is_refused_at_start_naming_serve_reserved_seqs()
    {
        await using var scratch = await ScratchEnvironment.CreateAsync(TestServices.Postgres, TestServices.RabbitMq, "t_serve_rsv", default);
        using var serve = Start(scratch.ConnectionString, out var output, "--urls", $"http://127.0.0.1:{MetricsScrape.FreePort()}", "--Serve:ReservedSeqs=4");
        await serve.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
        Assert.NotEqual(0, serve.ExitCode);
        lock (output)
            Assert.Contains("ReservedInteractiveSeqs (4) must be below MaxNumSeqs (4)", output.ToString());
        lock (output)
            Assert.Contains("Serve:ReservedSeqs", output.ToString());
    }

    private static async Task PostAsync(HttpClient http, string body, string? dataset)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (dataset is not null) request.Headers.Add("X-InternS1-Dataset", dataset);
        using var response = await http.SendAsync(request);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    private Process Start(string connectionString, out StringBuilder output, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "interns1.dll"), "serve", .. args])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        info.Environment["ConnectionStrings__Postgres"] = connectionString;
        info.Environment["INTERNS1_Model__Path"] = model.Directory;
        info.Environment["INTERNS1_Model__Dtype"] = "float32";
        info.Environment["INTERNS1_Engine__MaxNumSeqs"] = "4";
        info.Environment["INTERNS1_Engine__KvCacheBytes"] = (32L << 20).ToString();
        info.Environment["INTERNS1_Engine__DrainTimeout"] = "00:00:05";
        var log = new StringBuilder();
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        output = log;
        return process;
    }
}
