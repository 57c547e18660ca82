using System.Diagnostics;
using System.Text;
using InternS1.Batch.FakeOpenAi;
using InternS1.Batch.Tests.Infrastructure;
using InternS1.Batch.Worker.Scratch;

namespace InternS1.Batch.Cli.Tests.Processes;

/// <summary>
/// <c>interns1 worker --Engine:Mode=remote</c> as a user runs it, against the fake OpenAI-compatible server over HTTP,
/// with the real RabbitMQ and PostgreSQL: no model is loaded (libtorch is never mapped into the process), a worker
/// SIGKILLed while requests are in flight on the server leaves every job with exactly one result after a restart,
/// and an unknown engine mode is refused naming the key.
/// </summary>
[Trait("Category", "Service")]
public class RemoteWorkerProcessTests
{
    [Fact]
    public async Task A_remote_worker_killed_with_requests_in_flight_and_restarted_ends_every_job_with_exactly_one_result()
    {
        const int jobs = 60;
        await using var server = await FakeOpenAiServer.StartAsync(new FakeServerOptions { Slots = 4, TokenDelay = TimeSpan.FromMilliseconds(30) });
        await using var env = await ScratchEnvironment.CreateAsync(TestServices.Postgres, TestServices.RabbitMq, "t_rkill", default);
        var queue = env.Queue("rkill");
        for (var i = 0; i < jobs; i++)
            await Broker.PublishRawAsync(queue, Jobs.Text($"k-{i:D3}", "kill", $"c{i}", $"question number {i}").ToJsonString());

        var first = Start(env.ConnectionString, queue, server.BaseUrl, out var firstOutput);
        try
        {
            await TestServices.WaitUntilAsync(async () => await Results(env.ConnectionString) >= 10 && server.Slots.Running > 0,
                TimeSpan.FromMinutes(2), () => Task.FromResult(Text(firstOutput)));
            var maps = await File.ReadAllTextAsync($"/proc/{first.Id}/maps");
            Assert.DoesNotContain("libtorch", maps);
            Assert.DoesNotContain("LibTorchSharp", maps);
            var inFlight = server.Slots.Running;
            first.Kill(entireProcessTree: true);
            await first.WaitForExitAsync();
            Assert.True(inFlight > 0, "no request was in flight on the server at the kill");
        }
        finally
        {
            first.Dispose();
        }
        var atKill = await Results(env.ConnectionString);
        Assert.True(atKill < jobs, "the worker finished before it was killed; the test proves nothing");
        await TestServices.WaitUntilAsync(() => Task.FromResult(server.ChatRequests.Any(r => r.ClientDisconnected)), TimeSpan.FromSeconds(10),
            () => Task.FromResult("the server never saw the killed worker's connections close"));

        var second = Start(env.ConnectionString, queue, server.BaseUrl, out var secondOutput);
        try
        {
            await TestServices.WaitUntilAsync(async () => await Results(env.ConnectionString) == jobs, TimeSpan.FromMinutes(2),
                () => Task.FromResult(Text(secondOutput)));
        }
        finally
        {
            Process.Start("kill", ["-TERM", second.Id.ToString()])!.WaitForExit();
            await second.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
            second.Dispose();
        }

        var ids = (await Database.RowsAsync(env.ConnectionString, "SELECT job_id FROM results ORDER BY job_id")).Select(r => (string)r[0]!).ToList();
        Assert.Equal(Enumerable.Range(0, jobs).Select(i => $"k-{i:D3}"), ids);
        Assert.Equal(jobs, await Database.CountAsync(env.ConnectionString, "SELECT count(*) FROM token_usage"));
        Assert.Equal(jobs, await Database.CountAsync(env.ConnectionString, "SELECT count(*) FROM jobs WHERE status = 'succeeded'"));
        Assert.Equal(0, await Database.CountAsync(env.ConnectionString, "SELECT count(*) FROM dead_letters"));
        // The jobs in flight at the kill were sent again; every job was sent at least once.
        Assert.True(server.ChatRequests.Count > jobs, $"{server.ChatRequests.Count} requests for {jobs} jobs");
    }

    [Fact]
    public async Task An_unknown_engine_mode_is_refused_naming_the_key()
    {
        var (exit, _, err) = await CliRun.RunAsync(new Dictionary<string, string>(), "worker", "--Engine:Mode=gpu");
        Assert.Equal(2, exit);
        Assert.Contains("Engine:Mode: 'gpu' is not an engine mode; use local", err);
    }

    private static Task<long> Results(string connectionString) => Database.CountAsync(connectionString, "SELECT count(*) FROM results");

    private static string Text(StringBuilder output)
    {
        lock (output)
            return output.ToString();
    }

    private static Process Start(string connectionString, string queue, string endpoint, out StringBuilder output)
    {
        var info = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "interns1.dll"), "worker", "--Engine:Mode=remote"])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        info.Environment["ConnectionStrings__Postgres"] = connectionString;
        info.Environment["ConnectionStrings__RabbitMq"] = TestServices.RabbitMqUri;
        info.Environment["INTERNS1_Worker__QueueName"] = queue;
        info.Environment["INTERNS1_Worker__ShutdownTimeout"] = "00:00:05";
        info.Environment["INTERNS1_Remote__Endpoints__0"] = endpoint;
        info.Environment["INTERNS1_Remote__HealthProbeInterval"] = "00:00:00.200";
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
