using System.Text.Json.Nodes;
using InternS1.Batch.Tests.Infrastructure;
using InternS1.Batch.Worker.Scratch;

namespace InternS1.Batch.Cli.Tests.Operations;

/// <summary>
/// <c>interns1 status</c> (table, <c>--json</c>, <c>--watch</c>) and <c>interns1 cancel</c> (<c>--job</c>, <c>--dataset</c>,
/// repeats, bad arguments) as a user runs them, on rows written by hand. The rates are hand-computed from the view's
/// formula: dataset <c>sx</c> started an hour ago, two jobs ended 60 and 120 s ago (30 completion tokens each), one is
/// queued: 2 * 60 / 300 = 0.4 jobs/min, 60 / 300 = 0.2 tokens/s, ETA 1 * 60 / 0.4 = 150 s.
/// </summary>
[Trait("Category", "Service")]
public class OperationsCliTests
{
    private const string Rows = """
        INSERT INTO datasets (name) VALUES ('sx'), ('sdone');
        INSERT INTO jobs (id, dataset, custom_id, status, attempts, priority, payload, created_at, started_at, finished_at) VALUES
          ('sx-1', 'sx', 'c1', 'succeeded', 1, 0, '{}', now() - interval '2 hours', now() - interval '1 hour', now() - interval '60 seconds'),
          ('sx-2', 'sx', 'c2', 'succeeded', 1, 0, '{}', now() - interval '2 hours', now() - interval '1 hour', now() - interval '120 seconds'),
          ('sx-q', 'sx', 'c3', 'queued', 0, 0, '{}', now() - interval '2 hours', NULL, NULL),
          ('sd-1', 'sdone', 'c1', 'succeeded', 1, 0, '{}', now() - interval '3 hours', now() - interval '3 hours', now() - interval '2 hours');
        INSERT INTO token_usage (job_id, prompt_tokens, image_tokens, video_tokens, cached_tokens, completion_tokens, reasoning_tokens, queue_ms, prefill_ms, decode_ms) VALUES
          ('sx-1', 5, 0, 0, 0, 30, 0, 0, 0, 0), ('sx-2', 5, 0, 0, 0, 30, 0, 0, 0, 0), ('sd-1', 5, 0, 0, 0, 9, 0, 0, 0, 0);
        """;

    private static async Task<(ScratchEnvironment Scratch, Dictionary<string, string> Env)> SeedAsync(string name)
    {
        var scratch = await ScratchEnvironment.CreateAsync(TestServices.Postgres, TestServices.RabbitMq, name, default);
        await Database.ExecuteAsync(scratch.ConnectionString, Rows);
        return (scratch, new Dictionary<string, string>
        {
            ["ConnectionStrings__Postgres"] = scratch.ConnectionString,
            ["ConnectionStrings__RabbitMq"] = TestServices.RabbitMqUri,
            ["INTERNS1_Worker__QueueName"] = scratch.Queue("ops-cli"),
        });
    }

    [Fact]
    public async Task Status_shows_the_rate_and_eta_from_the_view_as_a_table_as_json_and_as_watched_bars()
    {
        var (scratch, env) = await SeedAsync("t_ops_status");
        await using var _ = scratch;

        var json = await CliRun.RunAsync(env, "status", "--json", "--dataset", "sx");
        Assert.True(json.Exit == 0, json.Err);
        var line = JsonNode.Parse(Assert.Single(json.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries)))!;
        Assert.Equal(("sx", 3, 2, 1), (line["dataset"]!.GetValue<string>(), line["total"]!.GetValue<long>(), line["succeeded"]!.GetValue<long>(), line["pending"]!.GetValue<long>()));
        Assert.Equal(5, line["window_minutes"]!.GetValue<int>());
        Assert.Equal(2, line["finished_in_window"]!.GetValue<long>());
        Assert.Equal(0.4, line["jobs_per_minute"]!.GetValue<double>(), 9);
        Assert.Equal(0.2, line["output_tokens_per_second"]!.GetValue<double>(), 9);
        Assert.Equal(150, line["eta_seconds"]!.GetValue<double>(), 9);
        Assert.True(line["eta_at"]!.GetValue<DateTime>() > DateTime.UtcNow, "the ETA is in the future");
        Assert.Equal(0, line["cancelled"]!.GetValue<long>());

        var table = await CliRun.RunAsync(env, "status");
        Assert.True(table.Exit == 0, table.Err);
        var sx = table.Out.Split('\n').Single(l => l.Contains(" sx "));
        Assert.Contains(" 0.4 ", sx);
        Assert.Contains(" 0.2 ", sx);
        Assert.Contains(" 2m 30s ", sx);
        var done = table.Out.Split('\n').Single(l => l.Contains(" sdone "));
        Assert.Contains("done", done[(done.IndexOf("sdone", StringComparison.Ordinal) + 5)..]);

        // --watch ends when nothing is pending; without a terminal each refresh is one text bar per dataset.
        var watch = await CliRun.RunAsync(env, "status", "--watch", "--dataset", "sdone");
        Assert.True(watch.Exit == 0, watch.Err);
        Assert.Equal("sdone  [####################]  100.0%  1/1  - jobs/min  - tokens/s  eta done", Assert.Single(watch.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
        var watchJson = await CliRun.RunAsync(env, "status", "--watch", "--json", "--dataset", "sdone");
        Assert.True(watchJson.Exit == 0, watchJson.Err);
        var watched = JsonNode.Parse(Assert.Single(watchJson.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries)))!;
        Assert.Equal((0L, 0.0), (watched["pending"]!.GetValue<long>(), watched["eta_seconds"]!.GetValue<double>()));
        Assert.Null(watched["jobs_per_minute"]);
    }

    [Fact]
    public async Task Cancel_takes_a_job_or_a_dataset_is_idempotent_and_refuses_unknown_or_ambiguous_targets()
    {
        var (scratch, env) = await SeedAsync("t_ops_cancel");
        await using var _ = scratch;

        var job = await CliRun.RunAsync(env, "cancel", "--job", "sx-q");
        Assert.True(job.Exit == 0, job.Out + job.Err);
        Assert.StartsWith("Cancelled 1 job(s) of job 'sx-q'", job.Out);
        Assert.Equal("cancelled", (await Database.RowsAsync(scratch.ConnectionString, "SELECT status FROM jobs WHERE id = 'sx-q'"))[0][0]);

        var again = await CliRun.RunAsync(env, "cancel", "--job", "sx-q");
        Assert.True(again.Exit == 0, again.Out + again.Err);
        Assert.StartsWith("Cancelled 0 job(s) of job 'sx-q' (cancellation #2); 1 were cancelled before; 0 had ended", again.Out);

        var dataset = await CliRun.RunAsync(env, "cancel", "--dataset", "sx");
        Assert.True(dataset.Exit == 0, dataset.Out + dataset.Err);
        Assert.StartsWith("Cancelled 0 job(s) of dataset 'sx' (cancellation #3); 1 were cancelled before; 2 had ended and keep their result or dead letter.", dataset.Out);
        Assert.Equal(["cancelled", "succeeded", "succeeded"],
            (await Database.RowsAsync(scratch.ConnectionString, "SELECT status FROM jobs WHERE dataset = 'sx' ORDER BY status")).Select(r => (string)r[0]!));

        var unknown = await CliRun.RunAsync(env, "cancel", "--dataset", "no-such-dataset");
        Assert.Equal(1, unknown.Exit);
        Assert.Contains("dataset 'no-such-dataset' is not in the database", unknown.Err);
        foreach (var args in new[] { new[] { "cancel" }, ["cancel", "--dataset", "sx", "--job", "sx-q"] })
        {
            var bad = await CliRun.RunAsync(env, args);
            Assert.NotEqual(0, bad.Exit);
            Assert.Contains("exactly one of --dataset NAME and --job ID", bad.Out + bad.Err);
        }
        Assert.Equal(3, await Database.CountAsync(scratch.ConnectionString, "SELECT count(*) FROM cancellations"));

        // No broker to tell the workers: the cancellation is recorded all the same, and exit 3 says to run it again.
        var noBroker = new Dictionary<string, string>(env) { ["ConnectionStrings__RabbitMq"] = "amqp://guest:guest@127.0.0.1:1/" };
        var untold = await CliRun.RunAsync(noBroker, "cancel", "--dataset", "sx");
        Assert.True(untold.Exit == 3, untold.Out + untold.Err);
        Assert.Contains("the jobs are cancelled in the database, but the workers of", untold.Err);
        Assert.Contains("Run the same command again", untold.Err);
        Assert.Equal(4, await Database.CountAsync(scratch.ConnectionString, "SELECT count(*) FROM cancellations"));
    }
}
