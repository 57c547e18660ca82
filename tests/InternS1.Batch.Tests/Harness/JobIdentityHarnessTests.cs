using InternS1.Batch.Contracts.Jobs;
using InternS1.Batch.Storage.Export;
using InternS1.Batch.Storage.Ledger;
using InternS1.Batch.Storage.Reporting;
using InternS1.Batch.Tests.Infrastructure;
using InternS1.Batch.TestWorker;
using InternS1.Batch.Worker.Consumers;
using InternS1.Batch.Worker.Validation;
using Npgsql;

namespace InternS1.Batch.Tests.Harness;

/// <summary>
/// Job identity that cannot be confused: a job id is one job (dataset, custom_id and content hash). Every newcomer under
/// a taken id ends as its own <c>duplicate_job_id</c> row in its own dataset; no prompt is ever computed as, or stored in,
/// another job's row. Keys and messages are the documented forms (<c>dup:{job_id}:{first 32 hex digits of the hash}</c>).
/// </summary>
[Trait("Category", "Service")]
public class JobIdentityHarnessTests(ScratchDatabase db) : IClassFixture<ScratchDatabase>
{
    private static SubmitPromptJob Text(string jobId, string dataset, string customId, string text) => JobPayload.Deserialize(Jobs.Text(jobId, dataset, customId, text).ToJsonString());

    private static string DupKey(SubmitPromptJob job) => $"dup:{job.JobId}:{JobContentHash.Compute(job)[..32]}";

    private static string DupMessage(string jobId, string key) =>
        $"job_id: '{jobId}' already belongs to another job (another dataset, custom_id or content); recorded as '{key}'. " +
        "Job ids must be unique across datasets; leave job_id out to let submit derive one";

    private async Task<object?[]> RowAsync(string id) =>
        Assert.Single(await Database.RowsAsync(db.ConnectionString, "SELECT dataset, custom_id, status FROM jobs WHERE id = @id", ("id", id)));

    private async Task<string?> ResultAsync(string id) =>
        (await Database.RowsAsync(db.ConnectionString, "SELECT content FROM results WHERE job_id = @id", ("id", id))).SingleOrDefault()?[0] as string;

    private async Task RegisterQueuedAsync(SubmitPromptJob job)
    {
        await using var dataSource = NpgsqlDataSource.Create(db.ConnectionString);
        await new JobLedger(dataSource).RegisterQueuedAsync(job.Dataset, [new JobAdmission
        {
            JobId = job.JobId, Dataset = job.Dataset, CustomId = job.CustomId, PayloadJson = JobPayload.Serialize(job), PayloadHash = JobContentHash.Compute(job),
        }], CancellationToken.None);
    }

    [Fact]
    public async Task A_job_id_reused_by_another_dataset_while_the_first_is_queued_never_runs_as_the_first()
    {
        await using var worker = await HarnessWorker.StartAsync(db.ConnectionString, new DeterministicTestExecutor());
        var a = Text("shared-q", "ident-a", "a1", "prompt of A");
        var b = Text("shared-q", "ident-b", "b1", "prompt of B");
        await RegisterQueuedAsync(a);

        await worker.ConsumeAsync(b);

        var key = DupKey(b);
        Assert.Equal(("duplicate_job_id", DupMessage("shared-q", key), 1, "consumer"), await db.DeadLetterAsync(key));
        Assert.Equal(new object?[] { "ident-b", "b1", "dead_lettered" }, await RowAsync(key));
        Assert.Equal(new object?[] { "ident-a", "a1", "queued" }, await RowAsync("shared-q"));
        Assert.Null(await ResultAsync("shared-q"));
        Assert.Empty(worker.Executor.Executions);

        await worker.ConsumeAsync(a);
        Assert.Equal("echo: prompt of A", await ResultAsync("shared-q"));
        Assert.Null(await db.DeadLetterAsync("shared-q"));
    }

    [Fact]
    public async Task A_job_id_reused_by_another_dataset_after_the_first_ended_gets_its_own_dead_letter()
    {
        await using var worker = await HarnessWorker.StartAsync(db.ConnectionString, new DeterministicTestExecutor());
        var a = Text("shared-e", "ident-ea", "a1", "prompt of A");
        var b = Text("shared-e", "ident-eb", "b1", "prompt of B");
        await worker.ConsumeAsync(a);

        await worker.ConsumeAsync(b);

        var key = DupKey(b);
        Assert.Equal(("duplicate_job_id", DupMessage("shared-e", key), 1, "consumer"), await db.DeadLetterAsync(key));
        Assert.Equal(new object?[] { "ident-eb", "b1", "dead_lettered" }, await RowAsync(key));
        Assert.Equal(new object?[] { "ident-ea", "a1", "succeeded" }, await RowAsync("shared-e"));
        Assert.Equal("echo: prompt of A", await ResultAsync("shared-e"));
        Assert.Equal(1, worker.Executor.Executions["shared-e"]);
    }

    [Fact]
    public async Task A_changed_prompt_under_an_existing_job_id_and_custom_id_is_a_duplicate_not_the_old_answer()
    {
        await using var worker = await HarnessWorker.StartAsync(db.ConnectionString, new DeterministicTestExecutor());
        await worker.ConsumeAsync(Text("changed", "ident-c", "c1", "first wording"));
        var changed = Text("changed", "ident-c", "c1", "second wording");

        await worker.ConsumeAsync(changed);

        var key = DupKey(changed);
        Assert.Equal("duplicate_job_id", (await db.DeadLetterAsync(key))?.Reason);
        Assert.Equal(new object?[] { "ident-c", "c1", "dead_lettered" }, await RowAsync(key));
        Assert.Equal("echo: first wording", await ResultAsync("changed"));
        Assert.Equal(2, await db.CountAsync("SELECT count(*) FROM jobs WHERE dataset = 'ident-c'"));
    }

    [Fact]
    public async Task Ten_different_messages_sharing_one_job_id_are_all_accounted_for()
    {
        await using var worker = await HarnessWorker.StartAsync(db.ConnectionString, new DeterministicTestExecutor());
        var jobs = Enumerable.Range(0, 10).Select(i => Text("ten", $"ident-ten-{i}", $"c{i}", $"question number {i}")).ToList();

        await Task.WhenAll(jobs.Select(j => worker.ConsumeAsync(j)));

        // One of them owns "ten" and has its result; the other nine each have a dup row and dead letter in their dataset.
        var owner = (string)(await RowAsync("ten"))[0]!;
        var winner = jobs.Single(j => j.Dataset == owner);
        Assert.Equal($"echo: question number {owner["ident-ten-".Length..]}", await ResultAsync("ten"));
        foreach (var loser in jobs.Where(j => j != winner))
        {
            var key = DupKey(loser);
            Assert.Equal("duplicate_job_id", (await db.DeadLetterAsync(key))?.Reason);
            Assert.Equal(new object?[] { loser.Dataset, loser.CustomId, "dead_lettered" }, await RowAsync(key));
        }
        Assert.Equal(10, await db.CountAsync("SELECT count(*) FROM jobs WHERE dataset LIKE 'ident-ten-%'"));
        Assert.Equal(10, await db.CountAsync("SELECT count(DISTINCT dataset) FROM jobs WHERE dataset LIKE 'ident-ten-%'"));
        Assert.Equal(1, worker.Executor.Executions["ten"]);
    }

    [Fact]
    public async Task A_job_whose_custom_id_cannot_key_a_row_is_counted_and_exported_in_its_dataset_under_its_message_id()
    {
        await using var worker = await HarnessWorker.StartAsync(db.ConnectionString, new DeterministicTestExecutor());
        var messageId = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e");
        await worker.ConsumeAsync(Text("victim-id", "ident-bad", "bad\u0001id", "x"), messageId);

        var key = $"message:{messageId}";
        Assert.Equal(("invalid_field", "custom_id: must not contain control characters", 1, "consumer"), await db.DeadLetterAsync(key));
        Assert.Equal(new object?[] { "ident-bad", "bad\u0001id", "dead_lettered" }, await RowAsync(key));
        Assert.Equal(0, await db.CountAsync("SELECT count(*) FROM jobs WHERE id = 'victim-id'"));

        // interns1 status counts it and interns1 export writes its line (one output line per input line).
        var contexts = Database.Contexts(db.ConnectionString);
        var progress = Assert.Single(await new ProgressReader(contexts).ReadAsync("ident-bad", CancellationToken.None));
        Assert.Equal((1L, 1L, 0L), (progress.Total, progress.DeadLettered, progress.Pending));
        var exported = new List<ExportRow>();
        await foreach (var row in new ExportReader(contexts).ReadAsync("ident-bad", CancellationToken.None))
            exported.Add(row);
        var line = Assert.Single(exported);
        Assert.Equal((key, "bad\u0001id", "invalid_field", "custom_id: must not contain control characters"),
            (line.JobId, line.CustomId, line.ReasonCode, line.ErrorMessage));
    }

    [Fact]
    public async Task A_stale_copy_of_a_superseded_prompt_is_acknowledged_and_the_new_prompt_runs()
    {
        await using var worker = await HarnessWorker.StartAsync(db.ConnectionString, new DeterministicTestExecutor());
        var v1 = Text("sup", "ident-sup", "c1", "version one");
        var v2 = Text("sup", "ident-sup", "c1", "version two");
        await worker.ConsumeAsync(v1);
        await using (var dataSource = NpgsqlDataSource.Create(db.ConnectionString))
        {
            var superseded = await new SubmissionLedger(dataSource).SupersedeAsync("ident-sup", [new JobAdmission
            {
                JobId = "sup", Dataset = "ident-sup", CustomId = "c1", PayloadJson = JobPayload.Serialize(v2), PayloadHash = JobContentHash.Compute(v2),
            }], CancellationToken.None);
            Assert.Equal(1, superseded);
        }
        var archived = Assert.Single(await Database.RowsAsync(db.ConnectionString,
            "SELECT status, payload_hash, superseded_by, result->>'content', (result->'usage'->>'prompt_tokens')::int FROM superseded_jobs WHERE job_id = 'sup'"));
        Assert.Equal(new object?[] { "succeeded", JobContentHash.Compute(v1), JobContentHash.Compute(v2), "echo: version one", 2 }, archived);
        Assert.Equal(new object?[] { "ident-sup", "c1", "queued" }, await RowAsync("sup"));
        Assert.Null(await ResultAsync("sup"));

        await worker.ConsumeAsync(v1); // a copy of the old message still in the queue
        Assert.Equal(new object?[] { "ident-sup", "c1", "queued" }, await RowAsync("sup"));
        Assert.Equal(0, await db.CountAsync("SELECT count(*) FROM dead_letters WHERE dataset = 'ident-sup'"));

        await worker.ConsumeAsync(v2);
        Assert.Equal("echo: version two", await ResultAsync("sup"));
        Assert.Equal(2, worker.Executor.Executions["sup"]);
    }
}
