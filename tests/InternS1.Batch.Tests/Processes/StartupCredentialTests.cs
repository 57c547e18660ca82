using System.Net;
using InternS1.Batch.Tests.Infrastructure;
using Npgsql;

namespace InternS1.Batch.Tests.Processes;

/// <summary>A service that refuses the worker's credentials at start stops it at once, with a message naming the
/// setting and never the secret, and the worker is never ready.</summary>
[Trait("Category", "Service")]
public class StartupCredentialTests
{
    private const string Secret = "wrong-secret-4711";

    public static TheoryData<string, string, string> Refusals
    {
        get
        {
            var worker = new NpgsqlConnectionStringBuilder(TestServices.PostgresWorker);
            string Pg(Action<NpgsqlConnectionStringBuilder> change)
            {
                var b = new NpgsqlConnectionStringBuilder(worker.ConnectionString) { Password = Secret };
                change(b);
                return b.ConnectionString;
            }
            var rabbit = TestServices.RabbitMq;
            return new()
            {
                { "a wrong database password", Pg(_ => { }), TestServices.RabbitMqUri },
                { "an unknown database role", Pg(b => b.Username = "no_such_role_4711"), TestServices.RabbitMqUri },
                { "an unknown database", Pg(b => { b.Password = worker.Password; b.Database = "no_such_database_4711"; }), TestServices.RabbitMqUri },
                { "a wrong broker password", TestServices.PostgresWorker, $"amqp://{rabbit.Username}:{Secret}@{rabbit.Host}:{rabbit.Port}/" },
            };
        }
    }

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task Refused_credentials_stop_the_worker_at_start_with_a_message_naming_the_setting_and_readiness_is_never_true(
        string what, string postgres, string rabbitMq)
    {
        var healthPort = MetricsScrape.FreePort();
        var everReady = false;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var (exit, output) = await TestWorkerProcess.RunUntilExitAsync(new Dictionary<string, string>
        {
            ["ConnectionStrings__Postgres"] = postgres,
            ["ConnectionStrings__PostgresOwner"] = postgres,
            ["ConnectionStrings__RabbitMq"] = rabbitMq,
            ["INTERNS1_Worker__QueueName"] = $"interns1-refused-{Guid.NewGuid():N}",
            ["INTERNS1_Worker__HealthPort"] = healthPort.ToString(),
            ["INTERNS1_Worker__RecordErrorQueues"] = "false",
        }, TimeSpan.FromSeconds(60), async () =>
        {
            try
            {
                everReady |= (await http.GetAsync($"http://127.0.0.1:{healthPort}/readyz")).StatusCode == HttpStatusCode.OK;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
            }
        });

        Assert.True(exit is not null and not 0, $"{what}: the worker did not stop with a failure (exit {exit?.ToString() ?? "none: still running"}):\n{output}");
        var setting = rabbitMq == TestServices.RabbitMqUri ? "ConnectionStrings:Postgres" : "ConnectionStrings:RabbitMq";
        Assert.Contains($"{setting}: ", output);
        Assert.Contains("refused user", output);
        Assert.DoesNotContain(Secret, output);
        Assert.False(everReady, $"{what}: /readyz answered 200");
    }
}
