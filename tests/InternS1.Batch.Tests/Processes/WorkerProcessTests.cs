using InternS1.Batch.Tests.Infrastructure;
using InternS1.Batch.Worker.Messaging;
using InternS1.Batch.Worker.Scratch;

namespace InternS1.Batch.Tests.Processes;

/// <summary>Broker and crash behaviour with real worker processes (tests/InternS1.Batch.TestWorker).</summary>
[Trait("Category", "Service")]
public class WorkerProcessTests
{
    private static async Task<List<string>> PublishAsync(string queue, string dataset, int count)
    {
        var jobs = Enumerable.Range(0, count).Select(i => ($"{dataset}-{i:D4}", Jobs.Text($"{dataset}-{i:D4}", dataset, $"c{i}", $"job number {i}").ToJsonString())).ToList();
        await using var publisher = await JobPublisher.ConnectAsync(TestServices.RabbitMq, queue, default);
        await publisher.PublishAllAsync(jobs, null, default);
        return jobs.Select(j => j.Item1).ToList();
    }

    private static Dictionary<string, string> Settings(string log, int delayMs, int concurrency) => new()
    {
        ["INTERNS1_TEST_EXECUTION_LOG"] = log,
        ["INTERNS1_TEST_DELAY_MS"] = delayMs.ToString(),
        ["INTERNS1_Worker__PrefetchCount"] = concurrency.ToString(),
        ["INTERNS1_Worker__ConcurrentMessageLimit"] = concurrency.ToString(),
    };

    private static async Task AssertEveryJobEndedOnceAsync(string connectionString, IReadOnlyList<string> ids)
    {
        var results = (await Database.RowsAsync(connectionString, "SELECT job_id FROM results")).Select(r => (string)r[0]!).Order().ToList();
        Assert.Equal(ids.Order().ToList(), results);
        Assert.Equal(ids.Count, await Database.CountAsync(connectionString, "SELECT count(*) FROM token_usage"));
        Assert.Equal(ids.Count, await Database.CountAsync(connectionString, "SELECT count(*) FROM jobs WHERE status = 'succeeded'"));
        Assert.Equal(0, await Database.CountAsync(connectionString, "SELECT count(*) FROM dead_letters"));
    }

    private static Task WaitForResultsAsync(string connectionString, long count, TimeSpan timeout, Func<string> output)
        => TestServices.WaitUntilAsync(async () => await Database.CountAsync(connectionString, "SELECT count(*) FROM results") >= count, timeout,
            async () => $"{await Database.CountAsync(connectionString, "SELECT count(*) FROM results")} of {count} results; worker output:\n{output()}");

    [Fact]
    public async Task A_worker_killed_with_sigkill_mid_run_and_restarted_ends_every_job_exactly_once()
    {
        await using var env = await ScratchEnvironment.CreateAsync(TestServices.Postgres, TestServices.RabbitMq, "t_kill", default);
        var queue = env.Queue("kill");
        var log = Path.GetTempFileName();
        var ids = await PublishAsync(queue, "kill", 200);

        var first = await TestWorkerProcess.StartAsync(env.ConnectionString, queue, Settings(log, 150, 8));
        await WaitForResultsAsync(env.ConnectionString, 40, TimeSpan.FromSeconds(60), () => first.Output);
        first.Kill();
        var atKill = await Database.CountAsync(env.ConnectionString, "SELECT count(*) FROM results");
        Assert.True(atKill < ids.Count, "the worker finished before it was killed; the test proves nothing");

        await using (var second = await TestWorkerProcess.StartAsync(env.ConnectionString, queue, Settings(log, 150, 8)))
            await WaitForResultsAsync(env.ConnectionString, ids.Count, TimeSpan.FromSeconds(90), () => second.Output);

        await AssertEveryJobEndedOnceAsync(env.ConnectionString, ids);
        var executions = File.ReadAllLines(log).Select(l => l.Split(' ')[0]).GroupBy(id => id).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(ids.Order(), executions.Keys.Order());
        // Only jobs in flight at the kill (at most the prefetch, 8) may have run twice.
        Assert.True(executions.Values.Count(n => n > 1) <= 8, $"{executions.Values.Count(n => n > 1)} jobs ran more than once");
        File.Delete(log);
    }

    [Fact]
    public async Task Two_worker_processes_on_one_queue_do_every_job_once()
    {
        await using var env = await ScratchEnvironment.CreateAsync(TestServices.Postgres, TestServices.RabbitMq, "t_two", default);
        var queue = env.Queue("two");
        var log = Path.GetTempFileName();
        await using var a = await TestWorkerProcess.StartAsync(env.ConnectionString, queue, Settings(log, 30, 4));
        await using var b = await TestWorkerProcess.StartAsync(env.ConnectionString, queue, Settings(log, 30, 4));
        var ids = await PublishAsync(queue, "two", 120);
        await WaitForResultsAsync(env.ConnectionString, ids.Count, TimeSpan.FromSeconds(60), () => a.Output + b.Output);

        await AssertEveryJobEndedOnceAsync(env.ConnectionString, ids);
        var lines = File.ReadAllLines(log).Select(l => l.Split(' ')).ToList();
        Assert.Equal(ids.Order(), lines.Select(l => l[0]).Order());
        Assert.Equal(2, lines.Select(l => l[1]).Distinct().Count());
        File.Delete(log);
    }

    /// <summary>Issue 15's outage as it was reported (PostgreSQL down 90 s: 80 of 200 healthy jobs ended
    /// <c>failed</c>/<c>retries_exhausted</c>), with the worker's default retry budget (about 51 s, shorter than the
    /// outage): intake pauses while the database is down and resumes by itself, so nothing is spent or lost.</summary>
    [Fact]
    public async Task PostgreSQL_stopped_for_ninety_seconds_mid_run_with_the_default_retries_loses_and_duplicates_nothing()
    {
        await using var pg = await PrivatePostgres.StartAsync();
        await using var env = await ScratchEnvironment.CreateAsync(pg.AdminConnectionString, TestServices.RabbitMq, "t_outage", default);
        var queue = env.Queue("outage");
        var log = Path.GetTempFileName();
        var ids = await PublishAsync(queue, "outage", 200);

        await using var worker = await TestWorkerProcess.StartAsync(env.ConnectionString, queue, Settings(log, 80, 4));
        await WaitForResultsAsync(env.ConnectionString, 40, TimeSpan.FromSeconds(60), () => worker.Output);
        await pg.StopServerAsync();
        await Task.Delay(TimeSpan.FromSeconds(90));
        await pg.StartServerAsync();
        Npgsql.NpgsqlConnection.ClearPool(new Npgsql.NpgsqlConnection(env.ConnectionString)); // the test's own pooled connections died with the server
        var afterRestart = await Database.CountAsync(env.ConnectionString, "SELECT count(*) FROM results");
        Assert.True(afterRestart < ids.Count, "the run finished before the outage; the test proves nothing");
        await WaitForResultsAsync(env.ConnectionString, ids.Count, TimeSpan.FromSeconds(120), () => worker.Output);

        await AssertEveryJobEndedOnceAsync(env.ConnectionString, ids);
        var output = worker.Output;
        Assert.True(output.Contains("Intake paused: database: PostgreSQL unreachable") && output.Contains("PostgreSQL answers again after") && output.Contains("; resuming intake"),
            $"the worker's log shows the pause and the resume:\n{output}");
        File.Delete(log);
    }
}
