using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using InternS1.Batch.Tests.Infrastructure;
using InternS1.Batch.Worker.Messaging;
using Npgsql;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace InternS1.Batch.Cli.Tests.Deployment;

/// <summary>
/// The setup Jobs of <c>ops/k8s</c> run as written (<see cref="K8sJobRun"/>) with the example secret against the real
/// PostgreSQL and RabbitMQ, under scratch role, database, user and queue names; then the migrate Job's command, and the
/// worker pod's own connection strings (the example secret's, pointed at these services) log in with what they need
/// and nothing more. Each setup Job runs twice: the second run changes nothing.
/// </summary>
[Trait("Category", "Service")]
public class KubernetesSetupJobTests
{
    private static readonly IReadOnlyList<K8sObject> Objects = K8sManifests.Objects();

    private static Dictionary<string, string> Admin => K8sManifests.Data(K8sManifests.Single(Objects, "Secret", "interns1-admin"));

    private static Dictionary<string, string> EnvOf(string kind, string name) => K8sManifests.Environment(Objects, K8sManifests.Containers(K8sManifests.Single(Objects, kind, name)).Single());

    private static async Task DeniedAsync(string connectionString, string sql)
    {
        var ex = await Assert.ThrowsAsync<PostgresException>(() => Database.ExecuteAsync(connectionString, sql));
        Assert.True(ex.SqlState == PostgresErrorCodes.InsufficientPrivilege, $"{sql}: expected 42501, got {ex.SqlState}: {ex.MessageText}");
    }

    [Fact]
    public async Task The_roles_job_creates_an_owner_the_migrate_job_can_use_and_a_worker_login_with_DML_only_and_a_second_run_changes_nothing()
    {
        var admin = Admin;
        var id = Guid.NewGuid().ToString("N")[..12];
        // NOTE: roles and databases apart: the example's owner role and database share the name interns1.
        var roles = new Dictionary<string, string> { [admin["INTERNS1_PG_OWNER"]] = $"t_k8s_owner_{id}", [admin["INTERNS1_PG_WORKER"]] = $"t_k8s_worker_{id}" };
        var databases = new Dictionary<string, string> { [admin["INTERNS1_PG_DATABASE"]] = $"t_k8s_db_{id}" };
        var superuser = new NpgsqlConnectionStringBuilder(TestServices.PostgresSuperuser);
        var tcp = new NpgsqlConnectionStringBuilder(TestServices.Postgres);
        var overrides = new Dictionary<string, string>
        {
            // The superuser over the local socket (peer authentication), as the tests reach it.
            ["PGHOST"] = superuser.Host!, ["PGPORT"] = superuser.Port.ToString(), ["PGUSER"] = superuser.Username!,
            ["INTERNS1_PG_OWNER"] = roles[admin["INTERNS1_PG_OWNER"]], ["INTERNS1_PG_WORKER"] = roles[admin["INTERNS1_PG_WORKER"]],
            ["INTERNS1_PG_DATABASE"] = databases[admin["INTERNS1_PG_DATABASE"]],
        };
        // A connection string of the manifests pointed at this server: host, port and the scratch names replace the
        // example's; the password stays the example secret's (the roles job set it from the same secret).
        string Here(string connectionString)
        {
            var b = new NpgsqlConnectionStringBuilder(connectionString) { Host = tcp.Host, Port = tcp.Port, Pooling = false };
            Assert.True(roles.ContainsKey(b.Username!) && databases.ContainsKey(b.Database!),
                $"{b.Username}@{b.Database}: not a role or database the interns1-admin secret has the roles job create");
            (b.Username, b.Database) = (roles[b.Username!], databases[b.Database!]);
            return b.ConnectionString;
        }
        try
        {
            var (exit, output) = await K8sJobRun.RunAsync(Objects, "interns1-roles", overrides);
            Assert.True(exit == 0, "interns1-roles failed: " + output);

            var migrate = EnvOf("Job", "interns1-migrate");
            var owner = Here(migrate["ConnectionStrings__PostgresOwner"]);
            var args = K8sManifests.Strings(K8sManifests.Containers(K8sManifests.Single(Objects, "Job", "interns1-migrate")).Single(), "args").ToArray();
            var migrated = await CliRun.RunAsync(new Dictionary<string, string> { ["ConnectionStrings__PostgresOwner"] = owner }, args);
            Assert.True(migrated.Exit == 0, $"interns1 {string.Join(" ", args)} failed: {migrated.Out}{migrated.Err}");

            var worker = Here(EnvOf("Deployment", "interns1-worker")["ConnectionStrings__Postgres"]);
            await AssertLeastPrivilegeAsync(owner, worker, overrides);

            (exit, output) = await K8sJobRun.RunAsync(Objects, "interns1-roles", overrides);
            Assert.True(exit == 0, "interns1-roles failed on its second run: " + output);
            await AssertLeastPrivilegeAsync(owner, worker, overrides);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await Database.DropDatabaseAsync(TestServices.PostgresSuperuser, overrides["INTERNS1_PG_DATABASE"]);
            await Database.ExecuteAsync(TestServices.PostgresSuperuser, $"DROP ROLE IF EXISTS {overrides["INTERNS1_PG_WORKER"]}; DROP ROLE IF EXISTS {overrides["INTERNS1_PG_OWNER"]}");
        }
    }

    private static async Task AssertLeastPrivilegeAsync(string owner, string worker, IReadOnlyDictionary<string, string> names)
    {
        // The worker: the pipeline's DML on the migrated tables, and nothing that changes roles, databases or the schema.
        await Database.ExecuteAsync(worker, "INSERT INTO datasets (name) VALUES ('k8s'); UPDATE datasets SET name = 'k8s2' WHERE name = 'k8s'; DELETE FROM datasets WHERE name = 'k8s2'");
        await DeniedAsync(worker, $"CREATE ROLE t_k8s_evil_{Guid.NewGuid():N}"[..40]);
        await DeniedAsync(worker, $"CREATE DATABASE t_k8s_evil_{Guid.NewGuid():N}"[..40]);
        await DeniedAsync(worker, "CREATE TABLE evil (i int)");
        await DeniedAsync(worker, "DROP TABLE results");
        await DeniedAsync(worker, "GRANT pg_execute_server_program TO CURRENT_USER");
        Assert.Equal(["interns1_app"], (await Database.RowsAsync(worker,
            "SELECT g.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = current_user"))
            .Select(r => (string)r[0]!));

        // The owner: owns the database and its tables, and may not create roles or databases (owner_createdb=false).
        var row = (await Database.RowsAsync(owner, """
            SELECT d.datdba = r.oid, r.rolsuper, r.rolcreaterole, r.rolcreatedb, (SELECT count(*) FROM pg_auth_members WHERE member = r.oid)
            FROM pg_database d, pg_roles r WHERE d.datname = current_database() AND r.rolname = current_user
            """)).Single();
        Assert.Equal([true, false, false, false, 0L], row);
        Assert.Equal(names["INTERNS1_PG_OWNER"], (string)(await Database.RowsAsync(owner, "SELECT tableowner FROM pg_tables WHERE tablename = 'jobs'")).Single()[0]!);
        await DeniedAsync(owner, $"CREATE ROLE t_k8s_evil_{Guid.NewGuid():N}"[..40]);
    }

    [Fact]
    public async Task The_broker_users_job_lets_the_worker_pods_login_consume_what_the_producer_publishes_and_a_second_run_changes_nothing()
    {
        var admin = Admin;
        var id = Guid.NewGuid().ToString("N")[..12];
        var rabbit = TestServices.RabbitMq;
        var names = new Dictionary<string, string>
        {
            [admin["WORKER_USER"]] = $"t_k8s_worker_{id}", [admin["PRODUCER_USER"]] = $"t_k8s_producer_{id}", [admin["JOBS_QUEUE"]] = $"t-k8s-jobs-{id}",
        };
        var overrides = new Dictionary<string, string>
        {
            ["RABBIT_API"] = TestServices.RabbitMqManagement.ToString().TrimEnd('/'), ["RABBIT_ADMIN_USER"] = rabbit.Username, ["RABBIT_ADMIN_PASSWORD"] = rabbit.Password,
            ["WORKER_USER"] = names[admin["WORKER_USER"]], ["PRODUCER_USER"] = names[admin["PRODUCER_USER"]], ["JOBS_QUEUE"] = names[admin["JOBS_QUEUE"]],
        };
        var workerEnv = EnvOf("Deployment", "interns1-worker");
        var queue = names[workerEnv["INTERNS1_Worker__QueueName"]];
        // The worker pod's broker address pointed at this broker, with the scratch user; its password stays the secret's.
        var given = RabbitMqAddress.Parse(workerEnv["ConnectionStrings__RabbitMq"]);
        var worker = given with { Host = rabbit.Host, Port = rabbit.Port, Username = names[given.Username] };
        var producer = new RabbitMqAddress(rabbit.Host, rabbit.Port, "/", overrides["PRODUCER_USER"], admin["PRODUCER_PASSWORD"], false);
        using var management = new HttpClient { BaseAddress = TestServices.RabbitMqManagement };
        management.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{rabbit.Username}:{rabbit.Password}")));
        async Task<string> PermissionsAsync() => string.Join(" | ", await Task.WhenAll(new[] { overrides["WORKER_USER"], overrides["PRODUCER_USER"] }
            .Select(u => management.GetStringAsync($"api/permissions/%2F/{u}"))));
        try
        {
            var (exit, output) = await K8sJobRun.RunAsync(Objects, "interns1-broker-users", overrides);
            Assert.True(exit == 0, "interns1-broker-users failed: " + output);
            var permissions = await PermissionsAsync();

            await using (var connection = await producer.CreateConnectionFactory("interns1-tests-k8s-producer").CreateConnectionAsync())
            await using (var channel = await connection.CreateChannelAsync(new CreateChannelOptions(true, true)))
                await channel.BasicPublishAsync(queue, "", true, new BasicProperties { DeliveryMode = DeliveryModes.Persistent }, Encoding.UTF8.GetBytes("from the producer"));

            (exit, output) = await K8sJobRun.RunAsync(Objects, "interns1-broker-users", overrides);
            Assert.True(exit == 0, "interns1-broker-users failed on its second run: " + output);
            Assert.Equal(permissions, await PermissionsAsync());
            var queueInfo = JsonNode.Parse(await management.GetStringAsync($"api/queues/%2F/{queue}"))!;
            Assert.Equal("quorum", queueInfo["type"]!.GetValue<string>());

            // The message published before the second run is still there, and the worker's login consumes it.
            await using (var connection = await worker.CreateConnectionFactory("interns1-tests-k8s-worker").CreateConnectionAsync())
            await using (var channel = await connection.CreateChannelAsync())
            {
                var got = await channel.BasicGetAsync(queue, autoAck: true);
                Assert.Equal("from the producer", got is null ? "(queue empty)" : Encoding.UTF8.GetString(got.Body.Span));
            }
            await using (var connection = await producer.CreateConnectionFactory("interns1-tests-k8s-producer").CreateConnectionAsync())
            {
                var channel = await connection.CreateChannelAsync();
                var refused = await Assert.ThrowsAsync<OperationInterruptedException>(() => channel.BasicGetAsync(queue, autoAck: true));
                Assert.Equal((ushort)403, refused.ShutdownReason?.ReplyCode);
            }
        }
        finally
        {
            await management.DeleteAsync($"api/users/{overrides["WORKER_USER"]}");
            await management.DeleteAsync($"api/users/{overrides["PRODUCER_USER"]}");
            await Broker.DeleteJobQueueAsync(queue);
        }
    }
}
