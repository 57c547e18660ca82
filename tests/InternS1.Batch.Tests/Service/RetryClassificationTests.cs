using System.Text.Json.Nodes;
using InternS1.Batch.Tests.Infrastructure;
using InternS1.Batch.TestWorker;
using InternS1.Batch.Worker.Scratch;

namespace InternS1.Batch.Tests.Service;

/// <summary>Only faults that are really transient are retried, with the real broker and database.</summary>
[Trait("Category", "Service")]
public class RetryClassificationTests
{
    [Fact]
    public async Task A_media_body_cut_short_is_tried_once_and_not_dead_lettered_as_retries_exhausted_while_a_transient_fault_is_retried()
    {
        await using var env = await ScratchEnvironment.CreateAsync(TestServices.Postgres, TestServices.RabbitMq, "t_retry_origin", default);
        var queue = env.Queue("retry-origin");
        var executor = new DeterministicTestExecutor();
        // Two retry intervals (InProcessWorker): a retried job runs three times.
        await using var worker = await InProcessWorker.StartAsync(env.ConnectionString, queue, executor);
        var cut = Jobs.Text("cut-short", "retries", "c", "describe the image");
        cut["metadata"] = new JsonObject { ["test"] = "cut-short" };
        var transient = Jobs.Text("out-of-memory", "retries", "t", "x");
        transient["metadata"] = new JsonObject { ["test"] = "transient" };
        await Broker.PublishRawAsync(queue, cut.ToJsonString());
        await Broker.PublishRawAsync(queue, transient.ToJsonString());

        await TestServices.WaitUntilAsync(async () => await Database.CountAsync(env.ConnectionString, "SELECT count(*) FROM dead_letters") == 2,
            TimeSpan.FromSeconds(60), () => Task.FromResult(string.Join(", ", executor.Executions.Select(e => $"{e.Key}x{e.Value}"))));
        var rows = (await Database.RowsAsync(env.ConnectionString, "SELECT job_id, reason_code, attempts, message FROM dead_letters"))
            .ToDictionary(r => (string)r[0]!, r => (Reason: (string)r[1]!, Attempts: (int)r[2]!, Message: (string)r[3]!));
        Assert.Equal(1, executor.Executions["cut-short"]);
        Assert.Equal(("engine_error", 1), (rows["cut-short"].Reason, rows["cut-short"].Attempts));
        Assert.Contains("System.IO.IOException: test: the response ended prematurely", rows["cut-short"].Message);
        Assert.Equal(3, executor.Executions["out-of-memory"]);
        Assert.Equal(("retries_exhausted", 3), (rows["out-of-memory"].Reason, rows["out-of-memory"].Attempts));
    }
}
