using InternS1.Batch.Contracts.Chat;
using InternS1.Batch.Contracts.Jobs;
using InternS1.Batch.TestWorker;
using InternS1.Batch.Tests.Infrastructure;
using InternS1.Batch.Worker.Messaging;
using InternS1.Batch.Worker.Scratch;
using MassTransit;

namespace InternS1.Batch.Tests.Service;

[Trait("Category", "Service")]
public class MassTransitProducerTests
{
    [Fact]
    public async Task A_job_sent_by_a_masstransit_producer_in_its_envelope_is_run_like_a_raw_json_job()
    {
        await using var env = await ScratchEnvironment.CreateAsync(TestServices.Postgres, TestServices.RabbitMq, "t_mt", default);
        var queue = env.Queue("mt");
        await using var worker = await InProcessWorker.StartAsync(env.ConnectionString, queue, new DeterministicTestExecutor());
        var rabbit = TestServices.RabbitMq;
        var bus = Bus.Factory.CreateUsingRabbitMq(cfg => cfg.Host(rabbit.Host, (ushort)rabbit.Port, rabbit.VirtualHost, h =>
        {
            h.Username(rabbit.Username);
            h.Password(rabbit.Password);
        }));
        await bus.StartAsync();
        try
        {
            var endpoint = await bus.GetSendEndpoint(JobQueueTopology.SendAddress(queue));
            await endpoint.Send(new SubmitPromptJob
            {
                JobId = "mt-1", Dataset = "mt", CustomId = "c1", EnableThinking = false,
                Messages = [new ChatMessage { Role = "user", Content = MessageContent.FromParts([new ContentPart { Type = "text", Text = "via masstransit" }]) }],
                Sampling = new SamplingSettings { Seed = 42 },
            });
        }
        finally
        {
            await bus.StopAsync();
        }
        await TestServices.WaitUntilAsync(async () => await Database.CountAsync(env.ConnectionString, "SELECT count(*) FROM results WHERE job_id = 'mt-1'") == 1,
            TimeSpan.FromSeconds(30), () => Task.FromResult("no result"));
        var row = (await Database.RowsAsync(env.ConnectionString, "SELECT content, seed FROM results WHERE job_id = 'mt-1'")).Single();
        Assert.Equal(("echo: via masstransit", 42L), ((string)row[0]!, (long)row[1]!));
    }
}
