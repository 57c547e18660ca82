using System.Text.Json.Nodes;
using InternS1.Batch.Tests.Infrastructure;
using InternS1.Batch.Worker.Messaging;
using InternS1.Batch.Worker.Scratch;

namespace InternS1.Batch.Tests.Processes;

/// <summary>Crash attribution with real worker processes: a job that kills its worker (the test worker's
/// <c>{"test":"crash"}</c> fault, armed by <c>INTERNS1_TEST_CRASH=kill</c>) among innocent jobs, the worker restarted
/// in a loop as a supervisor would.</summary>
[Trait("Category", "Service")]
public class CrashAttributionTests
{
    [Fact]
    public async Task A_job_that_kills_its_worker_is_dead_lettered_alone_and_every_innocent_neighbour_succeeds()
    {
        await using var env = await ScratchEnvironment.CreateAsync(TestServices.Postgres, TestServices.RabbitMq, "t_crash", default);
        var queue = env.Queue("crash");
        var culprit = Jobs.Text("crash-culprit", "crash", "culprit", "this one kills the worker");
        culprit["metadata"] = new JsonObject { ["test"] = "crash" };
        var innocents = Enumerable.Range(0, 50).Select(i => ($"crash-{i:D4}", Jobs.Text($"crash-{i:D4}", "crash", $"c{i}", $"innocent {i}").ToJsonString())).ToList();
        await using (var publisher = await JobPublisher.ConnectAsync(TestServices.RabbitMq, queue, default))
            await publisher.PublishAllAsync([("crash-culprit", culprit.ToJsonString()), .. innocents], null, default);
        var settings = new Dictionary<string, string>
        {
            ["INTERNS1_TEST_CRASH"] = "kill",
            ["INTERNS1_TEST_CRASH_DELAY_MS"] = "300",
            ["INTERNS1_TEST_DELAY_MS"] = "1500", // innocents are still running when the culprit kills the worker
            ["INTERNS1_Worker__PrefetchCount"] = "8",
            ["INTERNS1_Worker__ConcurrentMessageLimit"] = "8",
            ["INTERNS1_Worker__MaxAttempts"] = "3",
        };
        async Task<long> Ended() => await Database.CountAsync(env.ConnectionString, "SELECT count(*) FROM jobs WHERE status NOT IN ('queued', 'running')");

        // A supervisor's restart loop: start the worker, wait until it dies or every job has ended, start it again.
        var starts = 0;
        var output = "";
        while (await Ended() < 51)
        {
            Assert.True(++starts <= 15, $"{await Ended()} of 51 jobs ended after 15 worker starts; last output:\n{output}");
            TestWorkerProcess worker;
            try
            {
                worker = await TestWorkerProcess.StartAsync(env.ConnectionString, queue, settings);
            }
            catch (InvalidOperationException e) when (e.Message.StartsWith("test worker exited before it was ready", StringComparison.Ordinal))
            {
                continue; // the culprit killed it while it started
            }
            await using (worker)
            {
                await TestServices.WaitUntilAsync(async () => worker.HasExited || await Ended() == 51, TimeSpan.FromMinutes(3),
                    async () => $"{await Ended()} of 51 ended; output:\n{worker.Output}");
                output = worker.Output;
            }
        }

        var deadLetter = Assert.Single(await Database.RowsAsync(env.ConnectionString, "SELECT job_id, reason_code, message FROM dead_letters"));
        Assert.Equal(new object?[] { "crash-culprit", "engine_error", "job: started 4 times without ending (did the worker crash on it?); the limit is Worker:MaxAttempts = 3" },
            deadLetter);
        var succeeded = (await Database.RowsAsync(env.ConnectionString, "SELECT id FROM jobs WHERE status = 'succeeded' ORDER BY id")).Select(r => (string)r[0]!).ToList();
        Assert.Equal(innocents.Select(i => i.Item1).Order(), succeeded);
        Assert.Equal(50, await Database.CountAsync(env.ConnectionString, "SELECT count(*) FROM results"));
        // The test proves something only if innocents were running beside the culprit when it crashed the worker.
        var blamed = await Database.CountAsync(env.ConnectionString, "SELECT count(*) FROM jobs WHERE status = 'succeeded' AND crashes > 0");
        Assert.True(blamed > 0, "no innocent job was running when the culprit crashed the worker; the test proves nothing");
        Assert.True(starts >= 4, $"the worker was started only {starts} times");
    }
}
