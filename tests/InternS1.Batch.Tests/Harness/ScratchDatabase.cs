using InternS1.Batch.Storage;
using InternS1.Batch.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace InternS1.Batch.Tests.Harness;

/// <summary>A throw-away database on the real PostgreSQL (created and migrated, dropped on dispose); an xunit
/// class fixture, so the tests of a class share it and keep apart by their own job ids and datasets.</summary>
public sealed class ScratchDatabase : IAsyncLifetime
{
    private readonly string _database = $"t_harness_{Guid.NewGuid():N}";

    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        await using (var admin = new NpgsqlConnection(TestServices.Postgres))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{_database}\"", admin);
            await create.ExecuteNonQueryAsync();
        }
        ConnectionString = new NpgsqlConnectionStringBuilder(TestServices.Postgres) { Database = _database }.ConnectionString;
        var options = new DbContextOptionsBuilder<InternS1DbContext>();
        InternS1DbContext.Configure(options, ConnectionString);
        await using var db = new InternS1DbContext(options.Options);
        await db.Database.MigrateAsync();
    }

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await Database.DropDatabaseAsync(TestServices.Postgres, _database);
    }

    /// <summary>The row of <c>jobs</c> for <paramref name="jobId"/>: (status, attempts), or null.</summary>
    public async Task<(string Status, int Attempts)?> JobAsync(string jobId)
    {
        var rows = await Database.RowsAsync(ConnectionString, "SELECT status, attempts FROM jobs WHERE id = @id", ("id", jobId));
        return rows.Count == 0 ? null : ((string)rows[0][0]!, (int)rows[0][1]!);
    }

    /// <summary>The open dead letter of <paramref name="jobId"/>: (reason_code, message, attempts, source), or null.</summary>
    public async Task<(string Reason, string Message, int Attempts, string Source)?> DeadLetterAsync(string jobId)
    {
        var rows = await Database.RowsAsync(ConnectionString,
            "SELECT reason_code, message, attempts, source FROM dead_letters WHERE job_id = @id AND requeued_at IS NULL", ("id", jobId));
        return rows.Count == 0 ? null : ((string)rows[0][0]!, (string)rows[0][1]!, (int)rows[0][2]!, (string)rows[0][3]!);
    }

    public Task<long> CountAsync(string sql, params (string Name, object Value)[] parameters) => Database.CountAsync(ConnectionString, sql, parameters);
}
