using InternS1.Batch.Storage;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace InternS1.Batch.Tests.Infrastructure;

/// <summary>Small SQL helpers for assertions.</summary>
public static class Database
{
    /// <summary>A DbContext factory on <paramref name="connectionString"/>, configured as the product configures it.</summary>
    public static IDbContextFactory<InternS1DbContext> Contexts(string connectionString) => InternS1DbContext.CreateFactory(connectionString);

    public static async Task<long> CountAsync(string connectionString, string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
            cmd.Parameters.AddWithValue(name, value);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync());
    }

    public static async Task<List<object?[]>> RowsAsync(string connectionString, string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
            cmd.Parameters.AddWithValue(name, value);
        await using var reader = await cmd.ExecuteReaderAsync();
        var rows = new List<object?[]>();
        while (await reader.ReadAsync())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            rows.Add(row);
        }
        return rows;
    }

    public static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, connection);
        await cmd.ExecuteNonQueryAsync();
    }

    /// <summary>Drops <paramref name="database"/> as <paramref name="adminConnectionString"/>'s user, waiting for sessions
    /// of other roles (which the owner may not terminate) to end.</summary>
    public static async Task DropDatabaseAsync(string adminConnectionString, string database)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await ExecuteAsync(adminConnectionString, $"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)");
                return;
            }
            catch (PostgresException ex) when (attempt < 10 && ex.SqlState is PostgresErrorCodes.InsufficientPrivilege or PostgresErrorCodes.ObjectInUse)
            {
                await Task.Delay(300 * attempt);
            }
        }
    }
}
