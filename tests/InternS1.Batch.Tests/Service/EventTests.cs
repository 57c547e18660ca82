using System.Text;
using System.Text.Json.Nodes;
using InternS1.Batch.TestWorker;
using InternS1.Batch.Tests.Infrastructure;
using InternS1.Batch.Worker.Scratch;
using RabbitMQ.Client;

namespace InternS1.Batch.Tests.Service;

[Trait("Category", "Service")]
public class EventTests
{
    [Fact]
    public async Task With_publish_events_on_a_completed_and_a_failed_event_follow_the_commits()
    {
        await using var env = await ScratchEnvironment.CreateAsync(TestServices.Postgres, TestServices.RabbitMq, "t_events", default);
        var queue = env.Queue("events");
        await using var connection = await TestServices.RabbitMq.CreateConnectionFactory("interns1-tests").CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        // MassTransit publishes each event type to a fanout exchange named after the type.
        var listen = (await channel.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true)).QueueName;
        foreach (var exchange in new[] { "InternS1.Batch.Contracts.Events:PromptJobCompleted", "InternS1.Batch.Contracts.Events:PromptJobFailed" })
        {
            await channel.ExchangeDeclareAsync(exchange, ExchangeType.Fanout, durable: true);
            await channel.QueueBindAsync(listen, exchange, "");
        }

        await using (await InProcessWorker.StartAsync(env.ConnectionString, queue, new DeterministicTestExecutor(),
                         new Dictionary<string, string?> { ["Worker:PublishEvents"] = "true" }))
        {
            await Broker.PublishRawAsync(queue, Jobs.Text("ev-ok", "events", "ok", "three words here").ToJsonString());
            var bad = Jobs.Text("ev-bad", "events", "bad", "x");
            bad["sampling"] = new JsonObject { ["top_p"] = 0 };
            await Broker.PublishRawAsync(queue, bad.ToJsonString());

            var events = new List<JsonNode>();
            await TestServices.WaitUntilAsync(async () =>
            {
                while (await channel.BasicGetAsync(listen, autoAck: true) is { } got)
                    events.Add(JsonNode.Parse(Encoding.UTF8.GetString(got.Body.Span))!["message"]!);
                return events.Count >= 2;
            }, TimeSpan.FromSeconds(30), () => Task.FromResult($"{events.Count} events"));

            var completed = events.Single(e => e["job_id"]!.GetValue<string>() == "ev-ok");
            Assert.Equal("stop", completed["finish_reason"]!.GetValue<string>());
            Assert.Equal(3, completed["usage"]!["prompt_tokens"]!.GetValue<int>());
            var failed = events.Single(e => e["job_id"]!.GetValue<string>() == "ev-bad");
            Assert.Equal("invalid_sampling", failed["reason_code"]!.GetValue<string>());
        }
        Assert.Equal(1, await Database.CountAsync(env.ConnectionString, "SELECT count(*) FROM results WHERE job_id = 'ev-ok'"));
    }
}
