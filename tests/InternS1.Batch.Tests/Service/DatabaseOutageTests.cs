using System.Net;
using InternS1.Batch.Tests.Infrastructure;
using InternS1.Batch.TestWorker;
using InternS1.Batch.Worker.Messaging;
using InternS1.Batch.Worker.Scratch;
using Npgsql;

namespace InternS1.Batch.Tests.Service;

/// <summary>Issue 15 item 6, the database half: PostgreSQL unreachable mid-run (cut at a TCP forwarder between the
/// worker and the shared server, which keeps running for the other tests).</summary>
[Trait("Category", "Service")]
public class DatabaseOutageTests
{
    [Fact]
    public async Task PostgreSQL_cut_off_for_twenty_seconds_mid_run_pauses_intake_reports_it_and_every_job_still_succeeds_exactly_once()
    {
        await using var env = await ScratchEnvironment.CreateAsync(TestServices.Postgres, TestServices.RabbitMq, "t_dbcut", default);
        var queue = env.Queue("dbcut");
        var direct = new NpgsqlConnectionStringBuilder(TestServices.AsWorker(env.ConnectionString));
        await using var outage = TcpOutage.Start(direct.Host!, direct.Port);
        var forwarded = new NpgsqlConnectionStringBuilder(direct.ConnectionString) { Host = "127.0.0.1", Port = outage.Port };
        var healthPort = MetricsScrape.FreePort();
        var executor = new DeterministicTestExecutor { Delay = TimeSpan.FromMilliseconds(250) };
        // The retry budget (0.1 s + 0.2 s) and the writer's (two retries) are far shorter than the outage: a job whose
        // attempt hits the outage can only succeed if the outage spends none of them.
        await using var worker = await InProcessWorker.StartAsync(env.ConnectionString, queue, executor, new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = forwarded.ConnectionString,
            ["Worker:PrefetchCount"] = "4",
            ["Worker:ConcurrentMessageLimit"] = "4",
            ["Worker:HealthPort"] = healthPort.ToString(),
            ["Worker:DatabaseProbeInterval"] = "00:00:00.500",
            ["Storage:WriteRetryAttempts"] = "2",
            ["Storage:WriteRetryBaseDelay"] = "00:00:00.100",
            ["Storage:WriteRetryMaxDelay"] = "00:00:00.500",
        });
        var ids = Enumerable.Range(0, 60).Select(i => $"dbcut-{i:D3}").ToList();
        await using (var publisher = await JobPublisher.ConnectAsync(TestServices.RabbitMq, queue, default))
            await publisher.PublishAllAsync(ids.Select(id => (id, Jobs.Text(id, "dbcut", id, $"job {id}").ToJsonString())).ToList(), null, default);

        await TestServices.WaitUntilAsync(async () => await ResultsAsync(env.ConnectionString) >= 8, TimeSpan.FromSeconds(30),
            async () => $"{await ResultsAsync(env.ConnectionString)} results before the cut");
        outage.Cut();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{healthPort}"), Timeout = TimeSpan.FromSeconds(10) };
        var notReady = "";
        var cutUntil = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (DateTime.UtcNow < cutUntil)
        {
            var response = await http.GetAsync("/readyz");
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable && body.Contains("PostgreSQL unreachable"))
                notReady = body;
            await Task.Delay(500);
        }
        var atRestore = await ResultsAsync(env.ConnectionString);
        outage.Restore();

        Assert.True(atRestore < ids.Count, "the run finished before the cut; the test proves nothing");
        Assert.True(outage.Refused > 0, "nothing tried to reach PostgreSQL during the cut");
        await TestServices.WaitUntilAsync(async () => await ResultsAsync(env.ConnectionString) >= ids.Count, TimeSpan.FromSeconds(30),
            async () => $"{await ResultsAsync(env.ConnectionString)} of {ids.Count} results after the restore, " +
                        $"{await Database.CountAsync(env.ConnectionString, "SELECT count(*) FROM dead_letters")} dead letters; worker log:\n{string.Join('\n', worker.Logs.Lines.TakeLast(20))}");
        Assert.Contains("paused: database: PostgreSQL unreachable", notReady);
        await TestServices.WaitUntilAsync(async () => (await http.GetAsync("/readyz")).StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(10),
            () => Task.FromResult("/readyz did not report ready again after the restore"));

        var results = (await Database.RowsAsync(env.ConnectionString, "SELECT job_id FROM results ORDER BY job_id")).Select(r => (string)r[0]!).ToList();
        Assert.Equal(ids, results);
        Assert.Equal(ids.Count, await Database.CountAsync(env.ConnectionString, "SELECT count(*) FROM jobs WHERE status = 'succeeded'"));
        Assert.Equal(ids.Count, await Database.CountAsync(env.ConnectionString, "SELECT count(*) FROM token_usage"));
        Assert.Equal(0, await Database.CountAsync(env.ConnectionString, "SELECT count(*) FROM dead_letters"));
        Assert.True(await Broker.MessageCountAsync(queue + "_error") <= 0, "a job went to the error queue");
        // Results computed when the cut came were kept by the result writer and committed after it, not computed again.
        Assert.Equal(ids, executor.Executions.Keys.Order());
        Assert.All(executor.Executions, e => Assert.Equal(1, e.Value));
        var log = worker.Logs.Lines;
        Assert.Contains(log, l => l.Contains("PostgreSQL unreachable") && l.Contains("pausing intake"));
        Assert.Contains(log, l => l.Contains("PostgreSQL answers again") && l.Contains("resuming intake"));
    }

    private static Task<long> ResultsAsync(string connectionString) => Database.CountAsync(connectionString, "SELECT count(*) FROM results");
}
