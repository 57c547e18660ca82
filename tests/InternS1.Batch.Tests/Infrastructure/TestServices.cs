using InternS1.Batch.Worker.Messaging;
using Npgsql;

namespace InternS1.Batch.Tests.Infrastructure;

/// <summary>
/// Where the real services are and who the tests are there: what ops/services.sh started and created, read from
/// the same environment variables (<c>INTERNS1_PG_PORT</c>, <c>INTERNS1_PG_OWNER</c>, <c>INTERNS1_PG_WORKER</c>,
/// <c>INTERNS1_RABBIT_PORT</c>, <c>INTERNS1_STATE_DIR</c>, ...; their defaults otherwise), so the suite runs against
/// a second set of services by exporting the variables it was started with.
/// </summary>
public static class TestServices
{
    private static string Env(string name, string fallback) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v : fallback;

    private static string PgPort => Env("INTERNS1_PG_PORT", "55432");

    private static string PgDatabase => Env("INTERNS1_PG_DATABASE", "interns1");

    /// <summary>The owner role (DDL: migrations, and the scratch databases it may create here).</summary>
    public static string Postgres => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1", Port = int.Parse(PgPort), Database = PgDatabase,
        Username = Env("INTERNS1_PG_OWNER", Env("INTERNS1_PG_USER", "interns1")),
        Password = Env("INTERNS1_PG_OWNER_PASSWORD", Env("INTERNS1_PG_PASSWORD", "interns1")),
    }.ConnectionString;

    /// <summary>The worker's login role (member of <c>interns1_app</c>: DML only).</summary>
    public static string PostgresWorker => new NpgsqlConnectionStringBuilder(Postgres)
    {
        Username = Env("INTERNS1_PG_WORKER", "interns1_worker"),
        Password = Env("INTERNS1_PG_WORKER_PASSWORD", "interns1_worker"),
    }.ConnectionString;

    /// <summary>The superuser over the local socket of ops/services.sh (peer authentication of root or postgres):
    /// role administration in tests only.</summary>
    public static string PostgresSuperuser => new NpgsqlConnectionStringBuilder
    {
        Host = Path.Combine(Env("INTERNS1_STATE_DIR", "/var/tmp/interns1"), "postgres", "run"), Port = int.Parse(PgPort),
        Database = "postgres", Username = "postgres", Pooling = false,
    }.ConnectionString;

    /// <summary>
    /// <paramref name="connectionString"/> as the worker's login role when it is the owner role on this server (same
    /// host, port and user; the database is kept); any other connection string unchanged.
    /// NOTE: the test workers (in process, as a process, the CLI) run as the worker role this way, so every worker
    /// test also proves that role's grants suffice, while the tests set up and assert as the owner.
    /// </summary>
    public static string AsWorker(string connectionString)
    {
        var given = new NpgsqlConnectionStringBuilder(connectionString);
        var owner = new NpgsqlConnectionStringBuilder(Postgres);
        if (given.Host != owner.Host || given.Port != owner.Port || given.Username != owner.Username)
            return connectionString;
        var worker = new NpgsqlConnectionStringBuilder(PostgresWorker);
        given.Username = worker.Username;
        given.Password = worker.Password;
        return given.ConnectionString;
    }

    private static string RabbitPort => Env("INTERNS1_RABBIT_PORT", "5672");

    /// <summary>The broker as its administrator (guest, loopback only): the tests delete queues and create users.</summary>
    public static string RabbitMqUri => $"amqp://guest:guest@127.0.0.1:{RabbitPort}/";

    public static RabbitMqAddress RabbitMq => RabbitMqAddress.Parse(RabbitMqUri);

    /// <summary>The management HTTP API of the broker (ops/services.sh enables the plugin).</summary>
    public static Uri RabbitMqManagement => new($"http://127.0.0.1:{Env("INTERNS1_RABBIT_MGMT_PORT", "15672")}/");

    /// <summary>The repository root (the folder holding InternS1.Batch.sln).</summary>
    public static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "InternS1.Batch.sln")))
                    return dir.FullName;
            }
            throw new InvalidOperationException("InternS1.Batch.sln not found above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>Polls <paramref name="condition"/> until it holds or <paramref name="timeout"/> passes.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<Task<string>> describe)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Condition not met within {timeout}: {await describe()}");
            await Task.Delay(100);
        }
    }
}
