using System.Text.Json.Nodes;
using InternS1.Batch.Storage.Schema;
using InternS1.Batch.Tests.Infrastructure;
using InternS1.Batch.Worker.Scratch;

namespace InternS1.Batch.Cli.Tests.Processes;

/// <summary>How the command-line tools end when the input or a service is bad: one line naming the command and the
/// problem, a documented exit code, never a stack trace; and how submit guards job identity (changed prompts, reused
/// job ids).</summary>
[Trait("Category", "Service")]
public class CliErrorTests
{
    private static void NoStackTrace((int Exit, string Out, string Err) run)
    {
        Assert.DoesNotContain("Unhandled exception", run.Err);
        Assert.DoesNotContain("   at ", run.Err);
        Assert.DoesNotContain("   at ", run.Out);
    }

    /// <summary>The console wraps long lines at its width (80 columns without a terminal); compare with single spaces.</summary>
    private static string Unwrapped(string output) => System.Text.RegularExpressions.Regex.Replace(output, @"\s+", " ");

    private static async Task<string> FileAsync(string dir, string name, params JsonObject[] lines)
    {
        var path = Path.Combine(dir, name);
        await File.WriteAllLinesAsync(path, lines.Select(l => l.ToJsonString()));
        return path;
    }

    private static JsonObject Line(string customId, string text, string? jobId = null)
    {
        var line = new JsonObject { ["custom_id"] = customId, ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = text }) };
        if (jobId is not null) line["job_id"] = jobId;
        return line;
    }

    [Fact]
    public async Task A_string_chat_template_kwargs_refuses_the_file_with_its_line_and_no_stack_trace()
    {
        var dir = Directory.CreateTempSubdirectory("interns1-cli-err-").FullName;
        var batch = new JsonObject
        {
            ["custom_id"] = "k1", ["method"] = "POST", ["url"] = "/v1/chat/completions",
            ["body"] = new JsonObject { ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "hi" }), ["chat_template_kwargs"] = "enable_thinking" },
        };
        var run = await CliRun.RunAsync(new Dictionary<string, string>(), "submit", await FileAsync(dir, "kwargs.jsonl", batch), "--dataset", "kwargs");

        Assert.Equal(1, run.Exit);
        Assert.Contains("line 1: body.chat_template_kwargs must be an object (e.g. {\"enable_thinking\": false})", run.Err);
        NoStackTrace(run);
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public async Task Submit_strict_refuses_a_message_with_more_media_parts_than_the_configured_per_message_limit()
    {
        var dir = Directory.CreateTempSubdirectory("interns1-cli-err-").FullName;
        static JsonObject Image() => new() { ["type"] = "image_url", ["image_url"] = new JsonObject { ["url"] = "https://example.org/a.png" } };
        var job = new JsonObject
        {
            ["custom_id"] = "m1",
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = new JsonArray(Image(), Image(), Image()) }),
        };
        var file = await FileAsync(dir, "media.jsonl", job);
        var run = await CliRun.RunAsync(new Dictionary<string, string> { ["INTERNS1_Validation__MaxMediaPartsPerMessage"] = "2" },
            "submit", file, "--dataset", "media-limit", "--strict");

        Assert.Equal(1, run.Exit);
        Assert.Contains("line 1: invalid_field: messages[0].content: has 3 image and video parts, the limit per message is 2 (Validation:MaxMediaPartsPerMessage)", run.Err);
        NoStackTrace(run);
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public async Task A_wrong_database_password_ends_status_with_exit_code_3_and_one_line()
    {
        // the worker's login role with a wrong password (PostgresOwner given too, so CliRun does not swap the role)
        var worker = new Npgsql.NpgsqlConnectionStringBuilder(TestServices.PostgresWorker);
        var wrong = new Npgsql.NpgsqlConnectionStringBuilder(TestServices.PostgresWorker) { Password = "not-the-password" }.ConnectionString;
        var run = await CliRun.RunAsync(new Dictionary<string, string> { ["ConnectionStrings__Postgres"] = wrong, ["ConnectionStrings__PostgresOwner"] = wrong }, "status");

        Assert.Equal(3, run.Exit);
        Assert.Equal($"interns1 status: PostgreSQL refused the credentials of ConnectionStrings:Postgres: password authentication failed for user \"{worker.Username}\"",
            run.Err.Trim());
        Assert.DoesNotContain("not-the-password", run.Err);
        NoStackTrace(run);
    }

    [Fact]
    public async Task An_unreachable_broker_ends_submit_with_exit_code_3_and_registers_nothing()
    {
        await using var scratch = await ScratchDatabase.CreateAsync(TestServices.Postgres, "t_cli_nobroker", migrate: true, default);
        var dir = Directory.CreateTempSubdirectory("interns1-cli-err-").FullName;
        var env = new Dictionary<string, string>
        {
            ["ConnectionStrings__Postgres"] = scratch.ConnectionString,
            ["ConnectionStrings__RabbitMq"] = $"amqp://guest:guest@127.0.0.1:{MetricsScrape.FreePort()}/",
        };
        var run = await CliRun.RunAsync(env, "submit", await FileAsync(dir, "jobs.jsonl", Line("a", "hello")), "--dataset", "nobroker");

        Assert.Equal(3, run.Exit);
        Assert.StartsWith("interns1 submit: cannot reach RabbitMQ (ConnectionStrings:RabbitMq): ", run.Err.Trim());
        NoStackTrace(run);
        Assert.Equal(0, await Database.CountAsync(scratch.ConnectionString, "SELECT count(*) FROM jobs"));
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public async Task A_dataset_name_with_a_control_character_is_refused_up_front()
    {
        var dir = Directory.CreateTempSubdirectory("interns1-cli-err-").FullName;
        var run = await CliRun.RunAsync(new Dictionary<string, string>(), "submit", await FileAsync(dir, "jobs.jsonl", Line("a", "hello")), "--dataset", "bad\u0007name");

        Assert.Equal(1, run.Exit);
        Assert.Contains("  --dataset must not contain control characters", run.Err);
        NoStackTrace(run);
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public async Task Submit_refuses_a_changed_prompt_under_an_existing_custom_id_unless_replace_and_warns_about_reused_job_ids()
    {
        await using var scratch = await ScratchEnvironment.CreateAsync(TestServices.Postgres, TestServices.RabbitMq, "t_cli_ident", default);
        var queue = scratch.Queue("ident");
        var dir = Directory.CreateTempSubdirectory("interns1-cli-ident-").FullName;
        var env = new Dictionary<string, string>
        {
            ["ConnectionStrings__Postgres"] = scratch.ConnectionString,
            ["ConnectionStrings__RabbitMq"] = TestServices.RabbitMqUri,
            ["INTERNS1_Worker__QueueName"] = queue,
        };
        try
        {
            var first = await CliRun.RunAsync(env, "submit", await FileAsync(dir, "v1.jsonl", Line("c1", "first wording"), Line("c2", "kept", "own-id")), "--dataset", "ident");
            Assert.True(first.Exit == 0, first.Err);

            var changed = await FileAsync(dir, "v2.jsonl", Line("c1", "second wording"));
            var refused = await CliRun.RunAsync(env, "submit", changed, "--dataset", "ident");
            Assert.Equal(1, refused.Exit);
            Assert.Contains("line 1: custom_id 'c1' already has job 'j-", refused.Err);
            Assert.Contains("with another prompt (status queued); use --replace to supersede it (its result is kept in superseded_jobs)", refused.Err);
            Assert.Equal(2, await Broker.MessageCountAsync(queue));

            var replaced = await CliRun.RunAsync(env, "submit", changed, "--dataset", "ident", "--replace");
            Assert.True(replaced.Exit == 0, replaced.Err);
            Assert.Contains("(0 new in dataset ident, 1 replaced)", Unwrapped(replaced.Out));
            Assert.Equal(1, await Database.CountAsync(scratch.ConnectionString, "SELECT count(*) FROM superseded_jobs WHERE custom_id = 'c1' AND status = 'queued'"));
            Assert.Equal(3, await Broker.MessageCountAsync(queue));

            // Another dataset reusing the explicit job id of dataset ident: published, warned about and counted.
            var reuse = await CliRun.RunAsync(env, "submit", await FileAsync(dir, "other.jsonl", Line("x1", "other dataset", "own-id")), "--dataset", "other");
            Assert.True(reuse.Exit == 0, reuse.Err);
            Assert.Contains("submit: warning: line 1: job_id 'own-id' already belongs to another job (another dataset or custom_id); the worker records this line as duplicate_job_id", reuse.Err);
            Assert.Contains("submit: warning: 1 line(s) reuse a job_id of another job", reuse.Err);
            Assert.Contains("1 duplicate job_id", Unwrapped(reuse.Out));
            Assert.Equal(4, await Broker.MessageCountAsync(queue));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
