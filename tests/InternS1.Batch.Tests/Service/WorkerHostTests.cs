using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using InternS1.Batch.Tests.Infrastructure;
using InternS1.Batch.TestWorker;
using InternS1.Batch.Worker.Hosting;
using InternS1.Batch.Worker.Scratch;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace InternS1.Batch.Tests.Service;

[Trait("Category", "Service")]
public class WorkerHostTests
{
    [Fact]
    public async Task Stopping_hands_back_jobs_still_running_after_the_shutdown_timeout_and_another_worker_finishes_them()
    {
        await using var env = await ScratchEnvironment.CreateAsync(TestServices.Postgres, TestServices.RabbitMq, "t_drain", default);
        var queue = env.Queue("drain");
        var slow = new DeterministicTestExecutor { Delay = TimeSpan.FromSeconds(30) };
        var worker = await InProcessWorker.StartAsync(env.ConnectionString, queue, slow, new Dictionary<string, string?>
        {
            ["Worker:ShutdownTimeout"] = "00:00:00.500",
            ["Worker:PrefetchCount"] = "4",
            ["Worker:ConcurrentMessageLimit"] = "4",
        });
        for (var i = 0; i < 4; i++)
            await Broker.PublishRawAsync(queue, Jobs.Text($"drain-{i}", "drain", $"c{i}", "slow job").ToJsonString());
        await TestServices.WaitUntilAsync(() => Task.FromResult(slow.Executions.Count == 4), TimeSpan.FromSeconds(30), () => Task.FromResult($"{slow.Executions.Count} started"));

        var stopping = Stopwatch.StartNew();
        await worker.DisposeAsync();
        Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(15), $"stop took {stopping.Elapsed}");
        Assert.Equal(0, await Database.CountAsync(env.ConnectionString, "SELECT count(*) FROM results"));
        Assert.Equal(0, await Database.CountAsync(env.ConnectionString, "SELECT count(*) FROM dead_letters"));
        Assert.Equal(4, await Broker.MessageCountAsync(queue));

        var fast = new DeterministicTestExecutor();
        await using (await InProcessWorker.StartAsync(env.ConnectionString, queue, fast))
        {
            await TestServices.WaitUntilAsync(async () => await Database.CountAsync(env.ConnectionString, "SELECT count(*) FROM results") == 4,
                TimeSpan.FromSeconds(30), () => Task.FromResult("handed-back jobs not finished"));
        }
        Assert.Equal(4, await Database.CountAsync(env.ConnectionString, "SELECT count(*) FROM jobs WHERE status = 'succeeded' AND attempts = 2"));
    }

    [Fact]
    public async Task Stopping_lets_running_jobs_finish_within_the_shutdown_timeout_and_commits_and_acks_them()
    {
        await using var env = await ScratchEnvironment.CreateAsync(TestServices.Postgres, TestServices.RabbitMq, "t_finish", default);
        var queue = env.Queue("finish");
        var executor = new DeterministicTestExecutor { Delay = TimeSpan.FromSeconds(1.5) };
        var worker = await InProcessWorker.StartAsync(env.ConnectionString, queue, executor, new Dictionary<string, string?>
        {
            ["Worker:ShutdownTimeout"] = "00:00:20",
            ["Worker:PrefetchCount"] = "4",
            ["Worker:ConcurrentMessageLimit"] = "4",
        });
        for (var i = 0; i < 4; i++)
            await Broker.PublishRawAsync(queue, Jobs.Text($"finish-{i}", "finish", $"c{i}", "short job").ToJsonString());
        await TestServices.WaitUntilAsync(() => Task.FromResult(executor.Executions.Count == 4), TimeSpan.FromSeconds(30), () => Task.FromResult($"{executor.Executions.Count} started"));
        await worker.DisposeAsync();

        // The bus drained before the result writer stopped: every result committed, every message acked.
        Assert.Equal(4, await Database.CountAsync(env.ConnectionString, "SELECT count(*) FROM results"));
        Assert.Equal(0, await Broker.MessageCountAsync(queue));
    }

    [Fact]
    public async Task A_job_started_more_often_than_max_attempts_is_dead_lettered_instead_of_run_again()
    {
        await using var env = await ScratchEnvironment.CreateAsync(TestServices.Postgres, TestServices.RabbitMq, "t_attempts", default);
        var queue = env.Queue("attempts");
        // As if three workers had died while running it.
        await Database.ExecuteAsync(env.ConnectionString, """
            INSERT INTO datasets (name) VALUES ('a');
            INSERT INTO jobs (id, dataset, custom_id, status, attempts, priority, payload) VALUES ('crashy', 'a', 'c', 'running', 3, 0, '{}');
            """);
        var executor = new DeterministicTestExecutor();
        await using var worker = await InProcessWorker.StartAsync(env.ConnectionString, queue, executor,
            new Dictionary<string, string?> { ["Worker:MaxAttempts"] = "3" });
        await Broker.PublishRawAsync(queue, Jobs.Text("crashy", "a", "c", "x").ToJsonString());
        await TestServices.WaitUntilAsync(async () => await Database.CountAsync(env.ConnectionString, "SELECT count(*) FROM dead_letters") == 1,
            TimeSpan.FromSeconds(30), () => Task.FromResult("no dead letter"));
        var row = (await Database.RowsAsync(env.ConnectionString, "SELECT d.reason_code, j.status, j.attempts FROM dead_letters d JOIN jobs j ON j.id = d.job_id")).Single();
        Assert.Equal(("engine_error", "failed", 4), ((string)row[0]!, (string)row[1]!, (int)row[2]!));
        Assert.False(executor.Executions.ContainsKey("crashy"));
    }

    [Fact]
    public async Task The_health_endpoint_reports_live_and_ready_with_the_database_check()
    {
        await using var env = await ScratchEnvironment.CreateAsync(TestServices.Postgres, TestServices.RabbitMq, "t_health", default);
        var port = MetricsScrape.FreePort();
        await using var worker = await InProcessWorker.StartAsync(env.ConnectionString, env.Queue("health"), new DeterministicTestExecutor(),
            new Dictionary<string, string?> { ["Worker:HealthPort"] = port.ToString() });
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        string ready = "";
        await TestServices.WaitUntilAsync(async () =>
        {
            try
            {
                var response = await http.GetAsync("/readyz");
                ready = await response.Content.ReadAsStringAsync();
                return response.StatusCode == HttpStatusCode.OK;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(20), () => Task.FromResult(ready));
        Assert.Contains("\"postgres\"", ready);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/other")).StatusCode);
    }

    [Fact]
    public async Task With_migrate_on_start_the_worker_creates_the_schema_of_an_empty_database()
    {
        var database = $"t_migrate_{Guid.NewGuid():N}";
        await Database.ExecuteAsync(TestServices.Postgres, $"CREATE DATABASE \"{database}\"");
        var connectionString = new Npgsql.NpgsqlConnectionStringBuilder(TestServices.Postgres) { Database = database }.ConnectionString;
        var queue = $"interns1-migrate-{Guid.NewGuid():N}";
        try
        {
            await using (await InProcessWorker.StartAsync(connectionString, queue, new DeterministicTestExecutor(),
                             new Dictionary<string, string?> { ["Worker:MigrateOnStart"] = "true", ["Worker:RecordErrorQueues"] = "false" }))
            {
                // the migration files of migrations/InternS1.Batch.Migrations/Migrations (an independent count)
                var migrations = Directory.GetFiles(Path.Combine(TestServices.RepositoryRoot, "migrations", "InternS1.Batch.Migrations", "Migrations"), "2*_*.cs")
                    .Count(f => !f.EndsWith(".Designer.cs", StringComparison.Ordinal));
                Assert.Equal(migrations, await Database.CountAsync(connectionString, "SELECT count(*) FROM \"__EFMigrationsHistory\""));
                Assert.Equal(0, await Database.CountAsync(connectionString, "SELECT count(*) FROM dataset_progress"));
            }
        }
        finally
        {
            Npgsql.NpgsqlConnection.ClearPool(new Npgsql.NpgsqlConnection(connectionString));
            await Database.DropDatabaseAsync(TestServices.Postgres, database);
            await Broker.DeleteJobQueueAsync(queue);
        }
    }

    [Fact]
    public async Task A_worker_without_an_executor_refuses_to_start_and_says_why()
    {
        var builder = InternS1Host.CreateApplicationBuilder([]);
        builder.Configuration["ConnectionStrings:Postgres"] = TestServices.Postgres;
        builder.Configuration["ConnectionStrings:RabbitMq"] = TestServices.RabbitMqUri;
        builder.Services.AddInternS1Worker(builder.Configuration);
        using var host = builder.Build();
        var ex = await Assert.ThrowsAsync<WorkerCompositionException>(() => host.StartAsync());
        Assert.Contains("No IPromptJobExecutor is registered", ex.Message);
    }
}
