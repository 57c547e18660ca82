using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace InternS1.Batch.Storage.Schema;

/// <summary>
/// Creates or updates the schema with the EF Core migrations of <c>InternS1.Batch.Migrations</c> (tables,
/// views, grants): <c>interns1 migrate</c>, <c>Worker:MigrateOnStart</c> and scratch databases. Migrations are DDL
/// and run as the owner role: <c>ConnectionStrings:PostgresOwner</c>, or <c>ConnectionStrings:Postgres</c> when
/// that is not set (a single-role set-up). The migrations assembly must be loadable by the host (the CLI and test
/// hosts reference it).
/// </summary>
public sealed class SchemaMigrator(IDbContextFactory<InternS1DbContext> contexts, string setting)
{
    /// <summary>The connection string name of the owner role under <c>ConnectionStrings</c>.</summary>
    public const string OwnerConnectionStringName = "PostgresOwner";

    // invalid_authorization_specification, invalid_password, invalid_catalog_name, insufficient_privilege,
    // raise_exception (least_privilege.sql: a role is missing and may not be created)
    private static readonly HashSet<string> Refusals = ["28000", "28P01", "3D000", "42501", "P0001"];

    /// <summary>The setting the connection came from (<c>ConnectionStrings:PostgresOwner</c> or <c>ConnectionStrings:Postgres</c>).</summary>
    public string Setting { get; } = setting;

    /// <summary>Names of the migrations not applied yet, oldest first.</summary>
    public async Task<IReadOnlyList<string>> PendingAsync(CancellationToken ct)
    {
        try
        {
            await using var db = await contexts.CreateDbContextAsync(ct).ConfigureAwait(false);
            return (await db.Database.GetPendingMigrationsAsync(ct).ConfigureAwait(false)).ToList();
        }
        catch (PostgresException ex) when (Refusals.Contains(ex.SqlState))
        {
            throw Explain(ex);
        }
        catch (NpgsqlException ex) when (ex is not PostgresException)
        {
            throw new SchemaMigrationException($"{Setting}: PostgreSQL is not reachable: {ex.Message}", ex);
        }
    }

    /// <summary>Applies every pending migration (nothing when the schema is up to date).</summary>
    public async Task MigrateAsync(CancellationToken ct)
    {
        try
        {
            await using var db = await contexts.CreateDbContextAsync(ct).ConfigureAwait(false);
            await db.Database.MigrateAsync(ct).ConfigureAwait(false);
        }
        catch (PostgresException ex) when (Refusals.Contains(ex.SqlState))
        {
            throw Explain(ex);
        }
        catch (NpgsqlException ex) when (ex is not PostgresException)
        {
            throw new SchemaMigrationException($"{Setting}: PostgreSQL is not reachable: {ex.Message}", ex);
        }
    }

    /// <summary>A migrator on <paramref name="connectionString"/> outside dependency injection.</summary>
    public static SchemaMigrator For(string connectionString, string setting = "ConnectionStrings:" + OwnerConnectionStringName)
        => new(InternS1DbContext.CreateFactory(connectionString), setting);

    /// <summary>The migrator of the configuration: <c>ConnectionStrings:PostgresOwner</c>, else <c>ConnectionStrings:Postgres</c>.</summary>
    public static SchemaMigrator FromConfiguration(IConfiguration configuration)
    {
        if (configuration.GetConnectionString(OwnerConnectionStringName) is { Length: > 0 } owner)
            return For(owner, "ConnectionStrings:" + OwnerConnectionStringName);
        if (configuration.GetConnectionString(StorageOptions.ConnectionStringName) is { Length: > 0 } single)
            return For(single, "ConnectionStrings:" + StorageOptions.ConnectionStringName);
        throw new InvalidOperationException(
            $"ConnectionStrings:{OwnerConnectionStringName} (the owner role, for migrations) is not set, nor ConnectionStrings:{StorageOptions.ConnectionStringName} " +
            $"(appsettings.json, or the environment variable ConnectionStrings__{OwnerConnectionStringName}).");
    }

    private SchemaMigrationException Explain(PostgresException ex)
    {
        var what = ex.SqlState switch
        {
            "42501" => "its role may not change the schema (migrations run as the owner role of README \"Database roles\")",
            "P0001" => "a role the migrations grant to is missing",
            _ => "the server refused the connection (check the user name, password and database)",
        };
        var hint = string.IsNullOrEmpty(ex.Hint) ? "" : " " + ex.Hint;
        return new SchemaMigrationException($"{Setting}: {what}: {ex.MessageText} ({ex.SqlState}).{hint}", ex);
    }
}
