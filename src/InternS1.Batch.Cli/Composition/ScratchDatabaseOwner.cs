using InternS1.Batch.Storage;
using InternS1.Batch.Storage.Schema;
using Microsoft.Extensions.Configuration;

namespace InternS1.Batch.Cli.Composition;

/// <summary>The connection string the benchmarks create and migrate their scratch databases with.</summary>
internal static class ScratchDatabaseOwner
{
    /// <summary><c>ConnectionStrings:PostgresOwner</c>, else <c>ConnectionStrings:Postgres</c>.</summary>
    /// <remarks>NOTE: the owner role, because the worker's login role may not create databases.</remarks>
    public static string From(IConfiguration configuration)
        => configuration.GetConnectionString(SchemaMigrator.OwnerConnectionStringName) is { Length: > 0 } owner
            ? owner
            : configuration.GetConnectionString(StorageOptions.ConnectionStringName)
              ?? throw new InvalidOperationException("ConnectionStrings:PostgresOwner (or ConnectionStrings:Postgres) is not set");
}
