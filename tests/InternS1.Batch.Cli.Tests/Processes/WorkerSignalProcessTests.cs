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
        using var worker = CliProcess.Start(new Dictionary<string, string>
        {
            ["ConnectionStrings__Postgres"] = scratch.ConnectionString,
            ["ConnectionStrings__RabbitMq"] = $"amqp://guest:guest@127.0.0.1:{slow.Port}/",
            ["INTERNS1_Worker__QueueName"] = scratch.Queue("signal"),
            ["INTERNS1_Worker__ShutdownTimeout"] = "00:00:05",
            ["INTERNS1_Model__Path"] = model.Directory,
            ["INTERNS1_Engine__KvCacheBytes"] = (16L << 20).ToString(),
        }, "worker");
        await worker.WaitForOutputAsync("Starting the bus on RabbitMQ", TimeSpan.FromMinutes(3));
        var exit = await worker.TerminateAsync(TimeSpan.FromMinutes(2));

        Assert.True(exit == 0, $"exit code {exit}:\n{worker.Output}");
        Assert.Contains("SIGTERM while the bus is starting: the worker stops as soon as the start has finished", worker.Output);
        Assert.Contains("Application is shutting down...", worker.Output);
        Assert.DoesNotContain("Bus start canceled", worker.Output);
    }
}
