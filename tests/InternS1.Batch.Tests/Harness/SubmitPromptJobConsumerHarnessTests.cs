using System.Text.Json.Nodes;
using InternS1.Batch.Contracts.Events;
using InternS1.Batch.Contracts.Jobs;
using InternS1.Batch.Tests.Infrastructure;
using InternS1.Batch.TestWorker;
using InternS1.Batch.Worker.Consumers;
using MassTransit;

namespace InternS1.Batch.Tests.Harness;

/// <summary>
/// Every branch of <see cref="SubmitPromptJobConsumer"/> through MassTransit's in-memory test harness (no broker),
/// the deterministic executor and the real PostgreSQL. Expected rows and messages are written out by hand from the
/// README's job format and the executor's documented rule. Broker behaviour (redelivery, SIGKILL, the RabbitMQ
/// <c>_error</c> queue) stays with the process-level tests.
/// </summary>
[Trait("Category", "Service")]
public class SubmitPromptJobConsumerHarnessTests(ScratchDatabase db) : IClassFixture<ScratchDatabase>
{
    private static SubmitPromptJob Job(JsonObject json) => JobPayload.Deserialize(json.ToJsonString());

    private static SubmitPromptJob Text(string jobId, string dataset, string customId, string text) => Job(Jobs.Text(jobId, dataset, customId, text));

    private static SubmitPromptJob With(string jobId, string dataset, string field, JsonNode value)
    {
        var json = Jobs.Text(jobId, dataset, "c", "x");
        json[field] = value;
        return Job(json);
    }

    [Fact]
    public async Task A_completed_job_is_committed_as_one_result_and_one_usage_row_then_acknowledged()
    {
        await using var worker = await HarnessWorker.StartAsync(db.ConnectionString, new DeterministicTestExecutor());
        var consumed = await worker.ConsumeAsync(Text("h-ok", "h-ok", "c", "three words here"));

        Assert.Null(consumed.Exception);
        Assert.Equal(("succeeded", 1), await db.JobAsync("h-ok"));
        var result = Assert.Single(await Database.RowsAsync(db.ConnectionString,
            "SELECT content, reasoning_content, finish_reason, model FROM results WHERE job_id = 'h-ok'"));
        Assert.Equal(new object?[] { "echo: three words here", null, "stop", "test-echo" }, result);
        // The executor's rule: prompt = 3 words; completion = the 4 words of "echo: three words here".
        var usage = Assert.Single(await Database.RowsAsync(db.ConnectionString,
            "SELECT prompt_tokens, image_tokens, video_tokens, completion_tokens, reasoning_tokens FROM token_usage WHERE job_id = 'h-ok'"));
        Assert.Equal(new object?[] { 3, 0, 0, 4, 0 }, usage);
        Assert.Null(await db.DeadLetterAsync("h-ok"));
    }

    [Fact]
    public async Task A_job_that_already_ended_is_acknowledged_without_work()
    {
        await using var worker = await HarnessWorker.StartAsync(db.ConnectionString, new DeterministicTestExecutor());
        var job = Text("h-again", "h-again", "c", "only once");
        await worker.ConsumeAsync(job);

        var second = await worker.ConsumeAsync(job); // the same job published again
        Assert.Null(second.Exception);
        Assert.Equal(1, worker.Executor.Executions["h-again"]);
        Assert.Equal(("succeeded", 1), await db.JobAsync("h-again"));
        Assert.Equal(1, await db.CountAsync("SELECT count(*) FROM results WHERE job_id = 'h-again'"));
        Assert.Equal(0, await db.CountAsync("SELECT count(*) FROM dead_letters WHERE job_id = 'h-again'"));
    }

    [Fact]
    public async Task A_job_without_a_usable_job_id_is_dead_lettered_under_its_message_id()
    {
        await using var worker = await HarnessWorker.StartAsync(db.ConnectionString, new DeterministicTestExecutor());
        await worker.ConsumeAsync(Text(" ", "h-identity", "c", "x"), Guid.Parse("3f2504e0-4f89-11d3-9a0c-0305e82c3301"));

        Assert.Equal(("invalid_field", "job_id: must be a non-empty string", 1, "consumer"),
            await db.DeadLetterAsync("message:3f2504e0-4f89-11d3-9a0c-0305e82c3301"));
        Assert.Empty(worker.Executor.Executions);
        // The dataset is usable, so the job counts in it (status, export) under the same key.
        Assert.Equal(1, await db.CountAsync(
            "SELECT count(*) FROM jobs WHERE dataset = 'h-identity' AND id = 'message:3f2504e0-4f89-11d3-9a0c-0305e82c3301' AND status = 'dead_lettered'"));
        Assert.Equal(1, await db.CountAsync("SELECT count(*) FROM jobs WHERE dataset = 'h-identity'"));
    }

    [Fact]
    public async Task A_job_with_a_usable_job_id_but_a_bad_dataset_is_dead_lettered_under_its_message_id_not_the_job_id()
    {
        // NOTE: never under the job id: that id may be another job's, whose row the dead letter would end.
        await using var worker = await HarnessWorker.StartAsync(db.ConnectionString, new DeterministicTestExecutor());
        await worker.ConsumeAsync(Text("h-no-dataset", "", "c", "x"), Guid.Parse("6ba7b810-9dad-11d1-80b4-00c04fd430c8"));

        Assert.Equal(("invalid_field", "dataset: must be a non-empty string", 1, "consumer"), await db.DeadLetterAsync("message:6ba7b810-9dad-11d1-80b4-00c04fd430c8"));
        Assert.Null(await db.DeadLetterAsync("h-no-dataset"));
        Assert.Equal(0, await db.CountAsync("SELECT count(*) FROM jobs WHERE id LIKE '%6ba7b810%' OR id = 'h-no-dataset'"));
        Assert.Empty(worker.Executor.Executions);
    }

    [Fact]
    public async Task A_second_job_with_a_custom_id_already_used_in_its_dataset_is_dead_lettered()
    {
        await using var worker = await HarnessWorker.StartAsync(db.ConnectionString, new DeterministicTestExecutor());
        await worker.ConsumeAsync(Text("h-first", "h-dup", "same", "a"));
        await worker.ConsumeAsync(Text("h-second", "h-dup", "same", "b"));

        Assert.Equal(("duplicate_custom_id", "custom_id: 'same' is already used in dataset 'h-dup' by job 'h-first'", 1, "consumer"),
            await db.DeadLetterAsync("h-second"));
        Assert.Equal(("dead_lettered", 1), await db.JobAsync("h-second"));
        Assert.Equal(("succeeded", 1), await db.JobAsync("h-first"));
        Assert.False(worker.Executor.Executions.ContainsKey("h-second"));
    }

    [Fact]
    public async Task A_job_started_more_often_than_Worker_MaxAttempts_is_dead_lettered_as_an_engine_error()
    {
        await using var worker = await HarnessWorker.StartAsync(db.ConnectionString, new DeterministicTestExecutor(),
            new Dictionary<string, string?> { ["Worker:MaxAttempts"] = "2" });
        // Two earlier deliveries started the job and never ended it (the worker died on it).
        await Database.ExecuteAsync(db.ConnectionString, """
            INSERT INTO datasets (name, created_at) VALUES ('h-crash', now()) ON CONFLICT DO NOTHING;
            INSERT INTO jobs (id, dataset, custom_id, status, attempts, priority, payload, created_at, started_at)
            VALUES ('h-crash', 'h-crash', 'c', 'running', 2, 0, '{}'::jsonb, now(), now());
            """);
        await worker.ConsumeAsync(Text("h-crash", "h-crash", "c", "x"));

        Assert.Equal(("engine_error", "job: started 3 times without ending (did the worker crash on it?); the limit is Worker:MaxAttempts = 2", 3, "consumer"),
            await db.DeadLetterAsync("h-crash"));
        Assert.Equal(("failed", 3), await db.JobAsync("h-crash"));
        Assert.Empty(worker.Executor.Executions);
    }

    [Fact]
    public async Task A_job_the_validator_rejects_is_dead_lettered_with_the_field_and_never_executed()
    {
        await using var worker = await HarnessWorker.StartAsync(db.ConnectionString, new DeterministicTestExecutor());
        await worker.ConsumeAsync(With("h-topp", "h-valid", "sampling", new JsonObject { ["top_p"] = 1.5 }));

        Assert.Equal(("invalid_sampling", "sampling.top_p: 1.5 is not in (0, 1]", 1, "consumer"), await db.DeadLetterAsync("h-topp"));
        Assert.Equal(("dead_lettered", 1), await db.JobAsync("h-topp"));
        Assert.Empty(worker.Executor.Executions);
    }

    [Fact]
    public async Task A_job_whose_deadline_passed_before_it_started_is_recorded_as_expired()
    {
        await using var worker = await HarnessWorker.StartAsync(db.ConnectionString, new DeterministicTestExecutor());
        await worker.ConsumeAsync(With("h-late", "h-late", "deadline", "2020-01-01T00:00:00Z"));

        Assert.Equal(("deadline_expired", "deadline: 2020-01-01T00:00:00.0000000+00:00 passed before the job could start", 1, "consumer"),
            await db.DeadLetterAsync("h-late"));
        Assert.Equal(("expired", 1), await db.JobAsync("h-late"));
        Assert.Empty(worker.Executor.Executions);
    }

    [Fact]
    public async Task A_job_the_executor_rejects_is_dead_lettered_with_the_executors_reason()
    {
        var media = Directory.CreateTempSubdirectory("interns1-harness-media-").FullName;
        await using var worker = await HarnessWorker.StartAsync(db.ConnectionString, new DeterministicTestExecutor { MediaRoot = media });
        await worker.ConsumeAsync(Job(Jobs.WithParts("h-media", "h-rejected", "c", new JsonObject { ["type"] = "image", ["path"] = "missing.png" })));

        Assert.Equal(("media_unreadable", "messages[0].content[0].path: 'missing.png' not found", 1, "consumer"), await db.DeadLetterAsync("h-media"));
        Assert.Equal(("dead_lettered", 1), await db.JobAsync("h-media"));
        Assert.Equal(1, worker.Executor.Executions["h-media"]);
        Directory.Delete(media);
    }

    [Fact]
    public async Task A_transient_fault_is_retried_by_the_definitions_policy_then_recorded_as_retries_exhausted()
    {
        // Worker:RetryIntervals has two entries (HarnessWorker): one delivery, two retries.
        await using var worker = await HarnessWorker.StartAsync(db.ConnectionString, new DeterministicTestExecutor());
        await worker.SendAsync(With("h-transient", "h-transient", "metadata", new JsonObject { ["test"] = "transient" }));

        await TestServices.WaitUntilAsync(async () => await db.DeadLetterAsync("h-transient") is not null, TimeSpan.FromSeconds(60),
            async () => $"no dead letter; job row {await db.JobAsync("h-transient")}");
        Assert.Equal(("retries_exhausted", "transient fault persisted after 3 attempts: test: simulated engine out of memory", 3, "error_queue"),
            await db.DeadLetterAsync("h-transient"));
        Assert.Equal(3, worker.Executor.Executions["h-transient"]);
        Assert.Equal(("failed", 3), await db.JobAsync("h-transient"));
        Assert.True(await worker.Harness.Published.Any<Fault<SubmitPromptJob>>(f => f.Context.Message.Message.JobId == "h-transient"));
    }

    [Fact]
    public async Task With_Worker_PublishEvents_a_completed_and_a_failed_event_follow_the_commits()
    {
        await using var worker = await HarnessWorker.StartAsync(db.ConnectionString, new DeterministicTestExecutor(),
            new Dictionary<string, string?> { ["Worker:PublishEvents"] = "true" });
        await worker.ConsumeAsync(Text("h-ev-ok", "h-events", "ok", "three words here"));
        await worker.ConsumeAsync(With("h-ev-bad", "h-events", "sampling", new JsonObject { ["top_p"] = 0 }));

        var completed = worker.Harness.Published.Select<PromptJobCompleted>(e => e.Context.Message.JobId == "h-ev-ok").First().Context.Message;
        Assert.Equal(("h-events", "ok", "stop", 3, 4), (completed.Dataset, completed.CustomId, completed.FinishReason, completed.Usage.PromptTokens, completed.Usage.CompletionTokens));
        var failed = worker.Harness.Published.Select<PromptJobFailed>(e => e.Context.Message.JobId == "h-ev-bad").First().Context.Message;
        Assert.Equal(("h-events", "c", "invalid_sampling", "sampling.top_p: 0 is not in (0, 1]"), (failed.Dataset, failed.CustomId, failed.ReasonCode, failed.Message));
    }

    [Fact]
    public async Task Without_Worker_PublishEvents_no_event_is_published()
    {
        await using var worker = await HarnessWorker.StartAsync(db.ConnectionString, new DeterministicTestExecutor());
        await worker.ConsumeAsync(Text("h-quiet-ok", "h-quiet", "ok", "x"));
        await worker.ConsumeAsync(With("h-quiet-bad", "h-quiet", "sampling", new JsonObject { ["top_p"] = 0 }));

        // Both deliveries are acknowledged, so anything the consumer publishes has been published by now.
        var now = new CancellationToken(canceled: true);
        Assert.Empty(worker.Harness.Published.Select<PromptJobCompleted>(now));
        Assert.Empty(worker.Harness.Published.Select<PromptJobFailed>(now));
    }
}
