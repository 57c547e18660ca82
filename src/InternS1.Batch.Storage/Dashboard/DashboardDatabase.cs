using InternS1.Batch.Storage.Export;
using Npgsql;

namespace InternS1.Batch.Storage.Dashboard;

/// <summary>
/// The dashboard's own connection (<c>ConnectionStrings:Dashboard</c>, a login in <c>interns1_dashboard</c>): every
/// session opens with <c>default_transaction_read_only = on</c>, so even a mistaken grant cannot turn a page into a
/// write. Gives the view queries (<see cref="Reader"/>, <see cref="Export"/>) and the check of the login's rights.
/// </summary>
public sealed class DashboardDatabase : IAsyncDisposable
{
    private const string RightsSql = """
        SELECT current_user,
               (SELECT rolsuper FROM pg_roles WHERE rolname = current_user),
               (SELECT string_agg(c.relname, ', ' ORDER BY c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
                  AND (has_table_privilege(c.oid, 'INSERT') OR has_table_privilege(c.oid, 'UPDATE')
                       OR has_table_privilege(c.oid, 'DELETE') OR has_table_privilege(c.oid, 'TRUNCATE')))
        """;

    private readonly NpgsqlDataSource _dataSource;

    private DashboardDatabase(NpgsqlDataSource dataSource)
    {
        _dataSource = dataSource;
        Reader = new DashboardReader(dataSource);
        Export = new ExportViewReader(dataSource);
    }

    public DashboardReader Reader { get; }

    public ExportViewReader Export { get; }

    /// <summary>A read-only data source on <paramref name="connectionString"/> (nothing is opened yet).</summary>
    public static DashboardDatabase Open(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        builder.Options = string.IsNullOrWhiteSpace(builder.Options)
            ? "-c default_transaction_read_only=on"
            : builder.Options + " -c default_transaction_read_only=on";
        return new DashboardDatabase(new NpgsqlDataSourceBuilder(builder.ConnectionString).Build());
    }

    /// <summary>What the login may do (connects once).</summary>
    public async Task<LoginRights> RightsAsync(CancellationToken ct)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var cmd = new NpgsqlCommand(RightsSql, connection);
        await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        await reader.ReadAsync(ct).ConfigureAwait(false);
        return new LoginRights(reader.GetString(0), !reader.IsDBNull(1) && reader.GetBoolean(1), reader.IsDBNull(2) ? null : reader.GetString(2));
    }

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();
}
