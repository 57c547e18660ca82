using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace InternS1.Batch.Http.Dashboard;

/// <summary>
/// Refuses to start the dashboard with a login that could change data: a superuser, or a role with INSERT,
/// UPDATE, DELETE or TRUNCATE on any table of the public schema. The data source also opens every session with
/// <c>default_transaction_read_only = on</c>, so even a mistaken grant cannot turn a page into a write.
/// </summary>
public sealed class ReadOnlyLoginCheck(NpgsqlDataSource dataSource, ILogger<ReadOnlyLoginCheck> logger) : IHostedService
{
    private const string Sql = """
        SELECT current_user,
               (SELECT rolsuper FROM pg_roles WHERE rolname = current_user),
               (SELECT string_agg(c.relname, ', ' ORDER BY c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
                  AND (has_table_privilege(c.oid, 'INSERT') OR has_table_privilege(c.oid, 'UPDATE')
                       OR has_table_privilege(c.oid, 'DELETE') OR has_table_privilege(c.oid, 'TRUNCATE')))
        """;

    /// <summary>A data source on <paramref name="connectionString"/> whose sessions are read-only.</summary>
    public static NpgsqlDataSource CreateDataSource(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        builder.Options = string.IsNullOrWhiteSpace(builder.Options)
            ? "-c default_transaction_read_only=on"
            : builder.Options + " -c default_transaction_read_only=on";
        return new NpgsqlDataSourceBuilder(builder.ConnectionString).Build();
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = new NpgsqlCommand(Sql, connection);
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        var user = reader.GetString(0);
        var superuser = !reader.IsDBNull(1) && reader.GetBoolean(1);
        var writable = reader.IsDBNull(2) ? null : reader.GetString(2);
        if (superuser || writable is not null)
        {
            throw new DashboardConfigurationException(
                $"ConnectionStrings:{DashboardOptions.ConnectionStringName} logs in as '{user}', which can change data " +
                $"({(superuser ? "a superuser" : "it may write to " + writable)}). The dashboard runs with a read-only login: " +
                $"CREATE ROLE dashboard LOGIN PASSWORD '...' IN ROLE interns1_dashboard;");
        }
        logger.LogInformation("Dashboard reads as {User} (read-only)", user);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
