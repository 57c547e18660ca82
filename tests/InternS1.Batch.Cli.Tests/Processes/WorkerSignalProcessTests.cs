using System.Diagnostics;
using System.Text;
using InternS1.Batch.Cli.Tests.RealModel;
using InternS1.Batch.Tests.Infrastructure;
using InternS1.Batch.Worker.Scratch;

namespace InternS1.Batch.Cli.Tests.Processes;

/// <summary>
/// <c>interns1 worker</c> stopped by SIGTERM while its bus is still starting. MassTransit 8.5, its start cancelled
/// half-way, can wait forever (a worker in the full suite never exited; a dump showed the receive transport's stop
/// waiting on a connection that was still being made), so the worker holds the signal until the start has finished and
/// then stops the normal way. The broker is reached through a relay that delays every new connection by 2 s, so the
/// signal lands inside the start every time.
/// </summary>
[Trait("Category", "Service")]
public sealed class WorkerSignalProcessTests(TinyModelFixture model) : IClassFixture<TinyModelFixture>
{
    [Fact]
    public async Task A_SIGTERM_during_the_bus_start_is_held_until_the_bus_has_started_and_the_worker_then_exits_with_0()
    {
        await using var scratch = await ScratchEnvironment.CreateAsync(TestServices.Postgres, TestServices.RabbitMq, "t_signal", default);
        await using var slow = TcpOutage.Start(TestServices.RabbitMq.Host, TestServices.RabbitMq.Port);
        slow.ConnectDelay = TimeSpan.FromSeconds(2);
        var info = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "interns1.dll"), "worker"])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        info.Environment["ConnectionStrings__Postgres"] = scratch.ConnectionString;
        info.Environment["ConnectionStrings__RabbitMq"] = $"amqp://guest:guest@127.0.0.1:{slow.Port}/";
        info.Environment["INTERNS1_Worker__QueueName"] = scratch.Queue("signal");
        info.Environment["INTERNS1_Worker__ShutdownTimeout"] = "00:00:05";
        info.Environment["INTERNS1_Model__Path"] = model.Directory;
        info.Environment["INTERNS1_Engine__KvCacheBytes"] = (16L << 20).ToString();
        var log = new StringBuilder();
        using var process = Process.Start(info)!;
        process.OutputDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        string Text() { lock (log) return log.ToString(); }
        try
        {
            await TestServices.WaitUntilAsync(() => Task.FromResult(Text().Contains("Starting the bus on RabbitMQ") || process.HasExited),
                TimeSpan.FromMinutes(3), () => Task.FromResult(Text()));
            Assert.False(process.HasExited, Text());
            Process.Start("kill", ["-TERM", process.Id.ToString()])!.WaitForExit();
            var stopwatch = Stopwatch.StartNew();
            try { await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2)); }
            catch (TimeoutException) { Assert.Fail($"the worker did not exit within 2 minutes of SIGTERM:\n{Text()}"); }

            var output = Text();
            Assert.True(process.ExitCode == 0, $"exit code {process.ExitCode} after {stopwatch.Elapsed}:\n{output}");
            Assert.Contains("SIGTERM while the bus is starting: the worker stops as soon as the start has finished", output);
            Assert.Contains("Application is shutting down...", output);
            Assert.DoesNotContain("Bus start canceled", output);
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
    }
}
