using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using InternS1.Batch.Tests.Infrastructure;
using InternS1.Batch.TestWorker;
using InternS1.Batch.Worker.Messaging;
using InternS1.Batch.Worker.Scratch;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace InternS1.Batch.Tests.Service;

/// <summary>The broker users of ops/rabbitmq/setup.sh (what ops/services.sh runs) on the real broker: the producer
/// may publish to the jobs exchange and nothing else; the worker's own user runs the worker.</summary>
[Trait("Category", "Service")]
public class BrokerPermissionTests
{
    private static HttpClient Management()
    {
        var admin = TestServices.RabbitMq;
        var http = new HttpClient { BaseAddress = TestServices.RabbitMqManagement };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{admin.Username}:{admin.Password}")));
        return http;
    }

    private static async Task RunSetupAsync(string queue, string worker, string producer)
    {
        var admin = TestServices.RabbitMq;
        var info = new ProcessStartInfo("sh", [Path.Combine(TestServices.RepositoryRoot, "ops", "rabbitmq", "setup.sh")])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        info.Environment["RABBIT_API"] = TestServices.RabbitMqManagement.ToString().TrimEnd('/');
        info.Environment["RABBIT_ADMIN_USER"] = admin.Username;
        info.Environment["RABBIT_ADMIN_PASSWORD"] = admin.Password;
        info.Environment["JOBS_QUEUE"] = queue;
        (info.Environment["WORKER_USER"], info.Environment["WORKER_PASSWORD"]) = (worker, "worker-pw");
        (info.Environment["PRODUCER_USER"], info.Environment["PRODUCER_PASSWORD"]) = (producer, "producer-pw");
        using var p = Process.Start(info)!;
        var output = await p.StandardOutput.ReadToEndAsync() + await p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        Assert.True(p.ExitCode == 0, "ops/rabbitmq/setup.sh failed: " + output);
    }

    /// <summary>Runs <paramref name="operation"/> on a fresh channel of <paramref name="connection"/> and returns the
    /// reply code the broker closed the channel with (0: it did not).</summary>
    private static async Task<int> RefusalAsync(IConnection connection, Func<IChannel, Task> operation)
    {
        var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        try
        {
            await operation(channel);
            await Task.Delay(200);
        }
        catch (Exception ex) when (ex is OperationInterruptedException or AlreadyClosedException or PublishException)
        {
        }
        var code = channel.CloseReason?.ReplyCode ?? 0;
        await channel.DisposeAsync();
        return code;
    }

    [Fact]
    public async Task The_producer_user_publishes_jobs_but_cannot_read_the_job_queue_reach_the_error_queue_or_change_the_topology()
    {
        await using var env = await ScratchEnvironment.CreateAsync(TestServices.Postgres, TestServices.RabbitMq, "t_broker_users", default);
        var queue = env.Queue("perm");
        var (worker, producer) = ($"t_worker_{Guid.NewGuid():N}", $"t_producer_{Guid.NewGuid():N}");
        using var management = Management();
        try
        {
            await RunSetupAsync(queue, worker, producer);
            var permissions = JsonNode.Parse(await management.GetStringAsync($"api/permissions/%2F/{producer}"))!;
            Assert.Equal(("^$", $"^{queue}$", "^$"),
                (permissions["configure"]!.GetValue<string>(), permissions["write"]!.GetValue<string>(), permissions["read"]!.GetValue<string>()));

            // The worker runs as its own user; a first unreadable message makes MassTransit create <queue>_error.
            var rabbit = TestServices.RabbitMq;
            await using var running = await InProcessWorker.StartAsync(env.ConnectionString, queue, new DeterministicTestExecutor(),
                new Dictionary<string, string?> { ["ConnectionStrings:RabbitMq"] = $"amqp://{worker}:worker-pw@{rabbit.Host}:{rabbit.Port}/" });
            await Broker.PublishRawAsync(queue, "not json", contentType: "text/plain");
            await TestServices.WaitUntilAsync(async () => await Database.CountAsync(env.ConnectionString, "SELECT count(*) FROM dead_letters") == 1,
                TimeSpan.FromSeconds(60), () => Task.FromResult("the unreadable message was not recorded"));

            // The producer publishes as interns1 submit does (it may not declare: the topology exists) and the job runs.
            var producerAddress = new RabbitMqAddress(rabbit.Host, rabbit.Port, "/", producer, "producer-pw", false);
            await using (var publisher = await JobPublisher.ConnectAsync(producerAddress, queue, default))
                await publisher.PublishAsync("by-producer", Jobs.Text("by-producer", "perm", "p1", "published by the producer"), default);
            await TestServices.WaitUntilAsync(async () => await Database.CountAsync(env.ConnectionString, "SELECT count(*) FROM results WHERE job_id = 'by-producer'") == 1,
                TimeSpan.FromSeconds(60), () => Task.FromResult("the producer's job did not run"));

            // Everything else is refused (403 ACCESS_REFUSED).
            await using var connection = await producerAddress.CreateConnectionFactory("interns1-tests-producer").CreateConnectionAsync();
            var forged = Encoding.UTF8.GetBytes(Jobs.Text("by-producer", "perm", "p1", "forged").ToJsonString());
            var props = new BasicProperties { Headers = new Dictionary<string, object?> { ["MT-Fault-ExceptionType"] = "System.Exception" } };
            Assert.Equal(403, await RefusalAsync(connection, c => c.BasicGetAsync(queue, autoAck: true)));
            Assert.Equal(403, await RefusalAsync(connection, c => c.BasicConsumeAsync(queue, true, new AsyncEventingBasicConsumerStub(c))));
            Assert.Equal(403, await RefusalAsync(connection, c => c.BasicPublishAsync(JobQueueTopology.ErrorQueue(queue), "", true, props, forged).AsTask()));
            Assert.Equal(403, await RefusalAsync(connection, c => c.BasicPublishAsync("", JobQueueTopology.ErrorQueue(queue), true, props, forged).AsTask()));
            Assert.Equal(403, await RefusalAsync(connection, c => c.BasicPublishAsync("", queue, true, props, forged).AsTask()));
            Assert.Equal(403, await RefusalAsync(connection, c => c.QueueDeclareAsync($"{queue}-siphon", true, false, false)));
            Assert.Equal(403, await RefusalAsync(connection, c => c.QueueBindAsync(JobQueueTopology.ErrorQueue(queue), queue, "")));
            Assert.Equal(403, await RefusalAsync(connection, c => c.QueuePurgeAsync(queue)));
            Assert.Equal(403, await RefusalAsync(connection, c => c.QueueDeleteAsync(queue)));
            Assert.Equal(403, await RefusalAsync(connection, c => c.ExchangeDeleteAsync(queue)));

            Assert.Equal(0, await Broker.MessageCountAsync(JobQueueTopology.ErrorQueue(queue)));
            Assert.Equal(1, await Database.CountAsync(env.ConnectionString, "SELECT count(*) FROM dead_letters"));
            Assert.True(await Broker.MessageCountAsync(queue) >= 0, "the job queue was deleted");
        }
        finally
        {
            await management.DeleteAsync($"api/users/{worker}");
            await management.DeleteAsync($"api/users/{producer}");
        }
    }

    /// <summary>A consumer that never gets anything (the broker refuses the subscription).</summary>
    private sealed class AsyncEventingBasicConsumerStub(IChannel channel) : AsyncDefaultBasicConsumer(channel);
}
