using InternS1.Batch.Storage.Schema;
using InternS1.Batch.Tests.Infrastructure;
using Npgsql;

namespace InternS1.Batch.Cli.Tests.Processes;

/// <summary>Credentials the server refuses, as a user meets them on the command line: one line naming the setting,
/// no secret, no stack trace, a non-zero exit code.</summary>
[Trait("Category", "Service")]
public class CliCredentialTests
{
    private const string Secret = "wrong-secret-4711";

    private static string WithPassword(string connectionString, string password)
        => new NpgsqlConnectionStringBuilder(connectionString) { Password = password }.ConnectionString;

    private static void AssertOneClearLine(string stderr, string expectedStart)
    {
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Contains(lines, l => l.StartsWith(expectedStart, StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.StartsWith("at ", StringComparison.Ordinal) || l.StartsWith("Unhandled exception", StringComparison.Ordinal));
        Assert.DoesNotContain(Secret, stderr);
    }

    [Fact]
    public async Task The_worker_command_with_a_wrong_database_password_exits_with_one_line_naming_the_setting()
    {
        var (exit, _, err) = await CliRun.RunAsync(new Dictionary<string, string>
        {
            ["ConnectionStrings__Postgres"] = WithPassword(TestServices.PostgresWorker, Secret),
            ["ConnectionStrings__PostgresOwner"] = TestServices.Postgres,
            ["ConnectionStrings__RabbitMq"] = TestServices.RabbitMqUri,
            ["INTERNS1_Worker__QueueName"] = $"interns1-cli-refused-{Guid.NewGuid():N}",
        }, "worker");
        Assert.Equal(2, exit);
        AssertOneClearLine(err, "interns1 worker: ConnectionStrings:Postgres: PostgreSQL at 127.0.0.1:");
        Assert.Contains("password authentication failed for user \"interns1_worker\"", err);
    }

    [Fact]
    public async Task Migrate_with_a_wrong_owner_password_or_with_the_worker_role_exits_with_one_line_naming_the_owner_setting()
    {
        await using var empty = await ScratchDatabase.CreateAsync(TestServices.Postgres, "t_cli_refused", migrate: false, default);
        var wrong = await CliRun.RunAsync(new Dictionary<string, string>
        {
            ["ConnectionStrings__Postgres"] = TestServices.AsWorker(empty.ConnectionString),
            ["ConnectionStrings__PostgresOwner"] = WithPassword(empty.ConnectionString, Secret),
        }, "migrate");
        Assert.Equal(1, wrong.Exit);
        AssertOneClearLine(wrong.Err, "interns1 migrate: ConnectionStrings:PostgresOwner: the server refused the connection");

        var asWorker = await CliRun.RunAsync(new Dictionary<string, string>
        {
            ["ConnectionStrings__Postgres"] = TestServices.AsWorker(empty.ConnectionString),
            ["ConnectionStrings__PostgresOwner"] = TestServices.AsWorker(empty.ConnectionString),
        }, "migrate");
        Assert.Equal(1, asWorker.Exit);
        AssertOneClearLine(asWorker.Err, "interns1 migrate: ConnectionStrings:PostgresOwner: its role may not change the schema");
        Assert.Equal(0, await Database.CountAsync(empty.ConnectionString, "SELECT count(*) FROM information_schema.tables WHERE table_name = 'jobs'"));
    }
}
