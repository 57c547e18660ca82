using Microsoft.EntityFrameworkCore;

namespace InternS1.Batch.Storage.Schema;

/// <summary>
/// Creates or updates the schema with the EF Core migrations of <c>InternS1.Batch.Migrations</c> (tables,
/// dashboard views, the read-only role): <c>interns1 migrate</c>, <c>Worker:MigrateOnStart</c> and scratch
/// databases. The migrations assembly must be loadable by the host (the CLI and test hosts reference it).
/// </summary>
public sealed class SchemaMigrator(IDbContextFactory<InternS1DbContext> contexts)
{
    /// <summary>Names of the migrations not applied yet, oldest first.</summary>
    public async Task<IReadOnlyList<string>> PendingAsync(CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct).ConfigureAwait(false);
        return (await db.Database.GetPendingMigrationsAsync(ct).ConfigureAwait(false)).ToList();
    }

    /// <summary>Applies every pending migration (nothing when the schema is up to date).</summary>
    public async Task MigrateAsync(CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct).ConfigureAwait(false);
        await db.Database.MigrateAsync(ct).ConfigureAwait(false);
    }

    /// <summary>A migrator on <paramref name="connectionString"/> outside dependency injection.</summary>
    public static SchemaMigrator For(string connectionString) => new(InternS1DbContext.CreateFactory(connectionString));
}
