using System.Diagnostics;
using System.Text.Json.Nodes;
using InternS1.Batch.Storage.Schema;
using InternS1.Batch.Tests.Infrastructure;
using InternS1.Batch.Worker.Scratch;

namespace InternS1.Batch.Cli.Tests.Processes;

/// <summary>The <c>interns1</c> commands as a user runs them (a child process configured by environment variables).</summary>
[Trait("Category", "Service")]
public class CliProcessTests
{
    private static Task<(int Exit, string Out, string Err)> RunAsync(IDictionary<string, string> env, params string[] args) => CliRun.RunAsync(env, args);

    [Fact]
    public async Task Migrate_creates_the_schema_once_and_dead_letters_are_listed_and_requeued_from_the_command_line()
    {
        await using var empty = await ScratchDatabase.CreateAsync(TestServices.Postgres, "t_cli_migrate", migrate: false, default);
        var queue = $"interns1-cli-requeue-{Guid.NewGuid():N}";
        var env = new Dictionary<string, string>
        {
            ["ConnectionStrings__Postgres"] = empty.ConnectionString,
            ["ConnectionStrings__RabbitMq"] = TestServices.RabbitMqUri,
            ["INTERNS1_Worker__QueueName"] = queue,
        };
        try
        {
            var first = await RunAsync(env, "migrate");
            Assert.True(first.Exit == 0, first.Err);
            Assert.Equal("Applied 7 migration(s): 20261129023522_InitialSchema, 20261129023541_DashboardViewsAndRole, 20261201105751_StructuredOutput, 20261201105926_CancellationsAndOperationsViews, 20261201110000_LeastPrivilegeRoles, 20261201110044_RemoteUsageFields, 20261201110730_JobIdentityAndCrashes", first.Out.Trim());
            var again = await RunAsync(env, "migrate");
            Assert.Equal((0, "Database is up to date."), (again.Exit, again.Out.Trim()));

            await Database.ExecuteAsync(empty.ConnectionString, """
                INSERT INTO datasets (name) VALUES ('d');
                INSERT INTO jobs (id, dataset, custom_id, status, attempts, priority, payload, finished_at)
                  VALUES ('j1', 'd', 'c1', 'dead_lettered', 1, 0, '{}', now());
                INSERT INTO dead_letters (job_id, dataset, custom_id, reason_code, message, payload, attempts, source) VALUES
                  ('j1', 'd', 'c1', 'media_unreadable', 'messages[0].content[0]: no such file', '{"job_id":"j1","dataset":"d","custom_id":"c1"}', 1, 'consumer'),
                  ('message:m1', NULL, NULL, 'malformed_message', 'not JSON', '{"raw_base64":"eA=="}', 1, 'error_queue');
                """);
            var list = await RunAsync(env, "dead-letters", "list", "--json", "--reason", "media_unreadable");
            Assert.Equal(0, list.Exit);
            var row = JsonNode.Parse(list.Out.Trim().Split('\n').Single())!;
            Assert.Equal(("j1", "d", "c1", "media_unreadable", "consumer"), (row["job_id"]!.GetValue<string>(), row["dataset"]!.GetValue<string>(),
                row["custom_id"]!.GetValue<string>(), row["reason_code"]!.GetValue<string>(), row["source"]!.GetValue<string>()));

            var requeue = await RunAsync(env, "dead-letters", "requeue");
            Assert.True(requeue.Exit == 0, requeue.Err);
            Assert.Equal($"Requeued 1 job(s) to {queue}; skipped 1.", requeue.Out.Trim());
            Assert.Contains("skipped message:m1: the message could not be read as a job", requeue.Err);
            Assert.Equal(1, await Broker.MessageCountAsync(queue));
            Assert.Equal("queued", (await Database.RowsAsync(empty.ConnectionString, "SELECT status FROM jobs WHERE id = 'j1'"))[0][0]);
        }
        finally
        {
            await Broker.DeleteJobQueueAsync(queue);
        }
    }

    [Fact]
    public async Task Submit_status_export_and_dead_letters_work_from_the_command_line()
    {
        await using var scratch = await ScratchEnvironment.CreateAsync(TestServices.Postgres, TestServices.RabbitMq, "t_cli", default);
        var queue = scratch.Queue("cli");
        var env = new Dictionary<string, string>
        {
            ["ConnectionStrings__Postgres"] = scratch.ConnectionString,
            ["ConnectionStrings__RabbitMq"] = TestServices.RabbitMqUri,
            ["INTERNS1_Worker__QueueName"] = queue,
        };
        var dir = Directory.CreateTempSubdirectory("interns1-cli-").FullName;
        try
        {
            var bad = Path.Combine(dir, "bad.jsonl");
            await File.WriteAllLinesAsync(bad, [Jobs.Text("a", "x", "a", "ok").ToJsonString(), "[]", Jobs.Text("b", "x", "a", "again").ToJsonString()]);
            var refused = await RunAsync(env, "submit", bad, "--dataset", "cli");
            Assert.Equal(1, refused.Exit);
            Assert.Contains("line 2: expected a JSON object, got an array", refused.Err);
            Assert.Contains("line 3: custom_id 'a' repeats line 1", refused.Err);
            Assert.Equal(-1, await Broker.MessageCountAsync(queue));

            var good = Path.Combine(dir, "good.jsonl");
            await File.WriteAllLinesAsync(good, Enumerable.Range(0, 5).Select(i => Jobs.Text($"cli-{i}", "ignored", $"c{i}", "hello").ToJsonString()));
            var submitted = await RunAsync(env, "submit", good, "--dataset", "cli");
            Assert.True(submitted.Exit == 0, submitted.Err);
            Assert.Contains("Published 5 job(s)", submitted.Out);
            Assert.Equal(5, await Broker.MessageCountAsync(queue));

            var status = await RunAsync(env, "status", "--json");
            Assert.Equal(0, status.Exit);
            var line = JsonNode.Parse(status.Out.Trim().Split('\n').Single())!;
            Assert.Equal(("cli", 5, 0, 0, 0, 5), (line["dataset"]!.GetValue<string>(), line["total"]!.GetValue<int>(), line["succeeded"]!.GetValue<int>(),
                line["failed"]!.GetValue<int>(), line["dead_lettered"]!.GetValue<int>(), line["pending"]!.GetValue<int>()));

            var outFile = Path.Combine(dir, "out.jsonl");
            var export = await RunAsync(env, "export", "--dataset", "cli", "--out", outFile);
            Assert.Equal(0, export.Exit);
            Assert.Empty(await File.ReadAllTextAsync(outFile));
            Assert.Contains("5 job(s) still pending were not exported", export.Err);

            var list = await RunAsync(env, "dead-letters", "list", "--json");
            Assert.Equal((0, ""), (list.Exit, list.Out.Trim()));

            // The real worker on the embedded default model (created on first use): the 5 jobs end as results.
            env["INTERNS1_Engine__DefaultMaxNewTokens"] = "16";
            var info = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "interns1.dll"), "worker"])
            {
                RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            };
            foreach (var (k, v) in env)
                info.Environment[k] = v;
            using var worker = Process.Start(info)!;
            var workerOut = new System.Text.StringBuilder();
            worker.OutputDataReceived += (_, e) => { lock (workerOut) workerOut.AppendLine(e.Data); };
            worker.ErrorDataReceived += (_, e) => { lock (workerOut) workerOut.AppendLine(e.Data); };
            worker.BeginOutputReadLine();
            worker.BeginErrorReadLine();
            try
            {
                await TestServices.WaitUntilAsync(async () => await Database.CountAsync(scratch.ConnectionString, "SELECT count(*) FROM results") == 5,
                    TimeSpan.FromMinutes(3), () => { lock (workerOut) return Task.FromResult($"worker exited: {worker.HasExited}; output:\n{workerOut}"); });
            }
            finally
            {
                if (!worker.HasExited)
                    Process.Start("kill", ["-TERM", worker.Id.ToString()])!.WaitForExit();
                await worker.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
            }
            Assert.Equal(0, worker.ExitCode);
            Assert.Equal(5, await Database.CountAsync(scratch.ConnectionString, "SELECT count(*) FROM token_usage WHERE completion_tokens > 0 AND prompt_tokens > 0"));

            var exported = await RunAsync(env, "export", "--dataset", "cli", "--out", outFile);
            Assert.Equal(0, exported.Exit);
            var lines = (await File.ReadAllLinesAsync(outFile)).Select(l => JsonNode.Parse(l)!).ToList();
            Assert.Equal(5, lines.Count);
            Assert.All(lines, l => Assert.Equal(200, l["response"]!["status_code"]!.GetValue<int>()));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
