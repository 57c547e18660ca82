using System.Net;
using System.Net.Sockets;
using InternS1.Batch.Cli.Tests.RealModel;
using InternS1.Batch.Tests.Infrastructure;
using InternS1.Batch.Worker.Scratch;

namespace InternS1.Batch.Cli.Tests.Processes;

/// <summary>
/// <c>interns1 worker</c> with <c>Worker:HealthPort</c> or <c>Worker:MetricsPort</c> on a port another process listens
/// on: the worker does not run without the endpoint it was told to serve; it exits with code 2 and a last line that
/// names the option, the address and the reason (the metrics exporter's own message said only "PrometheusExporter
/// HttpListener could not be started").
/// </summary>
[Trait("Category", "Service")]
public sealed class WorkerListenPortProcessTests(TinyModelFixture model) : IClassFixture<TinyModelFixture>
{
    [Theory]
    [InlineData("HealthPort", "the health endpoint")]
    [InlineData("MetricsPort", "the Prometheus endpoint")]
    public async Task A_port_another_process_listens_on_ends_the_worker_with_code_2_and_a_line_naming_the_option(string option, string endpoint)
    {
        await using var scratch = await ScratchEnvironment.CreateAsync(TestServices.Postgres, TestServices.RabbitMq, "t_port_taken", default);
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var port = ((IPEndPoint)holder.LocalEndpoint).Port;
        using var worker = CliProcess.Start(new Dictionary<string, string>
        {
            ["ConnectionStrings__Postgres"] = TestServices.AsWorker(scratch.ConnectionString),
            ["ConnectionStrings__PostgresOwner"] = scratch.ConnectionString,
            ["ConnectionStrings__RabbitMq"] = TestServices.RabbitMqUri,
            ["INTERNS1_Worker__QueueName"] = scratch.Queue("port-taken"),
            [$"INTERNS1_Worker__{option}"] = port.ToString(),
            ["INTERNS1_Model__Path"] = model.Directory,
            ["INTERNS1_Engine__KvCacheBytes"] = (16L << 20).ToString(),
        }, "worker");

        var exit = await worker.WaitForExitAsync(TimeSpan.FromMinutes(3));

        Assert.True(exit == 2, $"exit code {exit}:\n{worker.Output}");
        var last = worker.Output.TrimEnd().Split('\n').Last().Trim();
        Assert.Equal($"interns1 worker: Worker:{option} {port}: {endpoint} could not listen on 127.0.0.1:{port} (Address already in use). " +
            "Free the port or choose another (0 turns the endpoint off).", last);
    }
}
