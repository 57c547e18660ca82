using System.Text;
using System.Text.Json.Nodes;
using InternS1.Batch.Storage.Ledger;
using InternS1.Batch.Tests.Infrastructure;
using InternS1.Batch.TestWorker;
using InternS1.Batch.Worker.Messaging;
using InternS1.Batch.Worker.Scratch;
using Npgsql;

namespace InternS1.Batch.Tests.Service;

/// <summary>The error-queue recorder under hostile input, with the real broker and database: it never stops on a
/// message, and a message on <c>&lt;queue&gt;_error</c> ends a job only when the ledger says the worker began it.</summary>
[Trait("Category", "Service")]
public class ErrorQueueTrustTests
{
    private static Dictionary<string, object?> FaultHeaders(string exceptionType, int retries) => new()
    {
        ["MT-Reason"] = "fault",
        ["MT-Fault-ExceptionType"] = exceptionType,
        ["MT-Fault-Message"] = "forged: the engine ran out of memory",
        ["MT-Fault-RetryCount"] = retries,
    };

    private static Task<long> CountAsync(ScratchEnvironment env, string sql, params (string, object)[] parameters)
        => Database.CountAsync(env.ConnectionString, sql, parameters);

    private static Task WaitForDeadLettersAsync(ScratchEnvironment env, long count, TimeSpan timeout)
        => TestServices.WaitUntilAsync(async () => await CountAsync(env, "SELECT count(*) FROM dead_letters") >= count, timeout,
            async () => string.Join("; ", (await Database.RowsAsync(env.ConnectionString, "SELECT job_id, reason_code, message FROM dead_letters"))
                .Select(r => $"{r[0]}={r[1]}: {r[2]}")));

    /// <summary>A scratch database and queue with a worker on them, whose <c>&lt;queue&gt;_error</c> MassTransit has
    /// created by moving one unreadable message there.</summary>
    private sealed class Recording : IAsyncDisposable
    {
        public required ScratchEnvironment Env { get; init; }
        public required string Queue { get; init; }
        public required InProcessWorker Worker { get; init; }

        public static async Task<Recording> StartAsync(string name)
        {
            var env = await ScratchEnvironment.CreateAsync(TestServices.Postgres, TestServices.RabbitMq, name, default);
            var queue = env.Queue(name);
            var worker = await InProcessWorker.StartAsync(env.ConnectionString, queue, new DeterministicTestExecutor());
            await Broker.PublishRawAsync(queue, "not json, to create the error queue", contentType: "text/plain");
            await WaitForDeadLettersAsync(env, 1, TimeSpan.FromSeconds(60));
            return new Recording { Env = env, Queue = queue, Worker = worker };
        }

        public async ValueTask DisposeAsync()
        {
            await Worker.DisposeAsync();
            await Env.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_hundred_lone_surrogates_and_invalid_utf8_bodies_in_a_row_each_end_as_malformed_message_and_later_faults_are_still_recorded()
    {
        await using var env = await ScratchEnvironment.CreateAsync(TestServices.Postgres, TestServices.RabbitMq, "t_hostile_text", default);
        var queue = env.Queue("hostile-text");
        await using var worker = await InProcessWorker.StartAsync(env.ConnectionString, queue, new DeterministicTestExecutor());

        // 50 bodies with the JSON escape of a lone UTF-16 surrogate, 50 with bytes that are not UTF-8 (0xC3 0x28).
        var bodies = new List<byte[]>();
        for (var i = 0; i < 50; i++)
            bodies.Add(Encoding.UTF8.GetBytes($$"""{"job_id":"s-{{i}}","dataset":"hostile","custom_id":"s{{i}}","messages":[{"role":"user","content":"a\ud800b"}]}"""));
        for (var i = 0; i < 50; i++)
            bodies.Add([.. Encoding.UTF8.GetBytes($$"""{"job_id":"u-{{i}}","dataset":"hostile","custom_id":"u{{i}}","messages":[{"role":"user","content":"a"""), 0xC3, 0x28, .. "b\"}]}"u8.ToArray()]);
        await Broker.PublishRawBytesAsync(queue, bodies);
        // Behind them (the recorder's prefetch is 64): a good job and a job whose fault must still be recorded.
        await Broker.PublishRawAsync(queue, Jobs.Text("after-good", "hostile", "g", "still served").ToJsonString());
        var transient = Jobs.Text("after-transient", "hostile", "t", "x");
        transient["metadata"] = new JsonObject { ["test"] = "transient" };
        await Broker.PublishRawAsync(queue, transient.ToJsonString());

        await WaitForDeadLettersAsync(env, 101, TimeSpan.FromSeconds(180));
        var rows = await Database.RowsAsync(env.ConnectionString, "SELECT job_id, dataset, reason_code, message, payload::text FROM dead_letters");
        var hostile = rows.Where(r => ((string)r[0]!).StartsWith("message:", StringComparison.Ordinal)).ToList();
        Assert.Equal(100, hostile.Count);
        Assert.All(hostile, r => Assert.Equal("malformed_message", r[2]));
        Assert.All(hostile, r => Assert.Null(r[1]));
        Assert.Equal(50, hostile.Count(r => ((string)r[3]!).Contains("$.messages[0].content: the string holds an unpaired UTF-16 surrogate escape (\\ud800)")));
        Assert.Equal(50, hostile.Count(r => ((string)r[3]!).StartsWith("message: the body is not valid UTF-8 (byte ", StringComparison.Ordinal)));
        // What could be read is kept: the text with its escape, or the bytes.
        Assert.Equal(50, hostile.Count(r => ((string)r[4]!).Contains("raw_text") && ((string)r[4]!).Contains("\\\\ud800")));
        Assert.Equal(50, hostile.Count(r => ((string)r[4]!).Contains("raw_base64")));

        Assert.Equal("retries_exhausted", rows.Single(r => (string)r[0]! == "after-transient")[2]);
        Assert.Equal(1, await CountAsync(env, "SELECT count(*) FROM results WHERE job_id = 'after-good'"));
        Assert.Equal(0, await Broker.MessageCountAsync(JobQueueTopology.ErrorQueue(queue)));
    }

    [Fact]
    public async Task A_forged_fault_for_a_queued_job_does_not_end_it_and_the_job_later_succeeds_exactly_once()
    {
        await using var r = await Recording.StartAsync("t_forged_queued");
        var (env, queue, worker) = (r.Env, r.Queue, r.Worker);
        var victim = Jobs.Text("victim-queued", "victims", "v1", "the victim's own prompt");
        await new JobLedger(NpgsqlDataSource.Create(env.ConnectionString)).RegisterQueuedAsync("victims",
            [new JobAdmission { JobId = "victim-queued", Dataset = "victims", CustomId = "v1", PayloadJson = victim.ToJsonString() }], default);

        var forged = Jobs.Text("victim-queued", "victims", "v1", "whatever the forger wrote");
        await Broker.PublishToQueueAsync(JobQueueTopology.ErrorQueue(queue), forged.ToJsonString(),
            FaultHeaders("InternS1.Batch.Worker.Execution.TransientJobException", retries: 4));
        await WaitForDeadLettersAsync(env, 2, TimeSpan.FromSeconds(60));

        Assert.Equal("queued", (await Database.RowsAsync(env.ConnectionString, "SELECT status FROM jobs WHERE id = 'victim-queued'")).Single()[0]);
        Assert.Equal(0, await CountAsync(env, "SELECT count(*) FROM dead_letters WHERE job_id = 'victim-queued'"));
        var kept = (await Database.RowsAsync(env.ConnectionString,
            "SELECT job_id, dataset, message FROM dead_letters WHERE message LIKE '%victim-queued%'")).Single();
        Assert.StartsWith("message:", (string)kept[0]!);
        Assert.Null(kept[1]);
        Assert.Contains("not attributed: job 'victim-queued' is queued here, not running", (string)kept[2]!);
        Assert.Contains(worker.Logs.Lines, l => l.Contains("not against job victim-queued"));

        await using (var publisher = await JobPublisher.ConnectAsync(TestServices.RabbitMq, queue, default))
            await publisher.PublishAsync("victim-queued", victim, default);
        await TestServices.WaitUntilAsync(async () => await CountAsync(env, "SELECT count(*) FROM results WHERE job_id = 'victim-queued'") == 1,
            TimeSpan.FromSeconds(60), () => Task.FromResult("the victim did not succeed"));
        Assert.Equal("succeeded", (await Database.RowsAsync(env.ConnectionString, "SELECT status FROM jobs WHERE id = 'victim-queued'")).Single()[0]);
        Assert.Equal(0, await CountAsync(env, "SELECT count(*) FROM dead_letters WHERE job_id = 'victim-queued' AND requeued_at IS NULL"));
    }

    [Fact]
    public async Task A_fault_forged_before_its_job_arrives_cannot_make_the_job_end_twice()
    {
        await using var r = await Recording.StartAsync("t_forged_early");
        var (env, queue, worker) = (r.Env, r.Queue, r.Worker);
        await Broker.PublishToQueueAsync(JobQueueTopology.ErrorQueue(queue), Jobs.Text("victim-early", "victims", "v2", "forged").ToJsonString(),
            FaultHeaders("System.NullReferenceException", retries: 0));
        await WaitForDeadLettersAsync(env, 2, TimeSpan.FromSeconds(60));
        Assert.Equal(0, await CountAsync(env, "SELECT count(*) FROM dead_letters WHERE job_id = 'victim-early'"));
        Assert.Equal(0, await CountAsync(env, "SELECT count(*) FROM jobs WHERE id = 'victim-early'"));
        Assert.Contains(worker.Logs.Lines, l => l.Contains("not against job victim-early") && l.Contains("does not exist here"));

        await Broker.PublishRawAsync(queue, Jobs.Text("victim-early", "victims", "v2", "the real job").ToJsonString());
        await TestServices.WaitUntilAsync(async () => await CountAsync(env, "SELECT count(*) FROM results WHERE job_id = 'victim-early'") == 1,
            TimeSpan.FromSeconds(60), () => Task.FromResult("the victim did not succeed"));
        Assert.Equal("succeeded", (await Database.RowsAsync(env.ConnectionString, "SELECT status FROM jobs WHERE id = 'victim-early'")).Single()[0]);
        Assert.Equal(0, await CountAsync(env, "SELECT count(*) FROM dead_letters WHERE job_id = 'victim-early' AND requeued_at IS NULL"));
    }

    [Fact]
    public async Task A_fault_for_a_job_that_already_has_its_result_is_ignored_and_logged()
    {
        await using var r = await Recording.StartAsync("t_forged_done");
        var (env, queue, worker) = (r.Env, r.Queue, r.Worker);
        await Broker.PublishRawAsync(queue, Jobs.Text("done-1", "victims", "d1", "finished first").ToJsonString());
        await TestServices.WaitUntilAsync(async () => await CountAsync(env, "SELECT count(*) FROM results WHERE job_id = 'done-1'") == 1,
            TimeSpan.FromSeconds(60), () => Task.FromResult("the job did not succeed"));

        await Broker.PublishToQueueAsync(JobQueueTopology.ErrorQueue(queue), Jobs.Text("done-1", "victims", "d1", "forged").ToJsonString(),
            FaultHeaders("InternS1.Batch.Worker.Execution.TransientJobException", retries: 4));
        await TestServices.WaitUntilAsync(() => Task.FromResult(worker.Logs.Lines.Any(l => l.Contains("Ignored a message") && l.Contains("done-1"))),
            TimeSpan.FromSeconds(60), () => Task.FromResult(string.Join("\n", worker.Logs.Lines)));
        Assert.Contains(worker.Logs.Lines, l => l.Contains("job 'done-1' already ended (succeeded)"));
        Assert.Equal(1, await CountAsync(env, "SELECT count(*) FROM dead_letters"));
        Assert.Equal("succeeded", (await Database.RowsAsync(env.ConnectionString, "SELECT status FROM jobs WHERE id = 'done-1'")).Single()[0]);
        Assert.Equal(0, await Broker.MessageCountAsync(JobQueueTopology.ErrorQueue(queue)));
    }

    [Fact]
    public async Task A_submitted_job_that_cannot_be_read_is_dead_lettered_under_its_own_id_because_the_message_is_its_stored_payload()
    {
        await using var env = await ScratchEnvironment.CreateAsync(TestServices.Postgres, TestServices.RabbitMq, "t_unreadable_own", default);
        var queue = env.Queue("unreadable-own");
        await using var worker = await InProcessWorker.StartAsync(env.ConnectionString, queue, new DeterministicTestExecutor());
        var body = """{"job_id":"typed-1","dataset":"typed","custom_id":"t1","messages":[{"role":"user","content":"x"}],"sampling":{"top_p":"high"}}""";
        await new JobLedger(NpgsqlDataSource.Create(env.ConnectionString)).RegisterQueuedAsync("typed",
            [new JobAdmission { JobId = "typed-1", Dataset = "typed", CustomId = "t1", PayloadJson = body }], default);
        await Broker.PublishRawAsync(queue, body);

        await WaitForDeadLettersAsync(env, 1, TimeSpan.FromSeconds(60));
        var row = (await Database.RowsAsync(env.ConnectionString, "SELECT job_id, dataset, reason_code, message FROM dead_letters")).Single();
        Assert.Equal(("typed-1", "typed", "malformed_message"), ((string)row[0]!, (string)row[1]!, (string)row[2]!));
        Assert.Contains("$.sampling.top_p", (string)row[3]!);
        Assert.Equal("dead_lettered", (await Database.RowsAsync(env.ConnectionString, "SELECT status FROM jobs WHERE id = 'typed-1'")).Single()[0]);
    }
}
