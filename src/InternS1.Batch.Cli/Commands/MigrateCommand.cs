using System.CommandLine;
using InternS1.Batch.Cli.Composition;
using InternS1.Batch.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace InternS1.Batch.Cli.Commands;

/// <summary><c>interns1 migrate</c>: applies the EF Core migrations (tables, dashboard views, read-only role).</summary>
public static class MigrateCommand
{
    public static Command Create()
    {
        var command = new Command("migrate", "Create or update the PostgreSQL schema (EF Core migrations, dashboard views, read-only role)");
        command.SetAction(async (_, ct) =>
        {
            await using var services = CliServices.Build();
            var applied = await MigrateAsync(services, ct);
            Console.WriteLine(applied.Count == 0 ? "Database is up to date." : $"Applied {applied.Count} migration(s): {string.Join(", ", applied)}");
            return 0;
        });
        return command;
    }

    /// <summary>Applies the pending migrations; returns their names.</summary>
    internal static async Task<IReadOnlyList<string>> MigrateAsync(IServiceProvider services, CancellationToken ct)
    {
        var factory = services.GetRequiredService<IDbContextFactory<InternS1DbContext>>();
        await using var db = await factory.CreateDbContextAsync(ct);
        var pending = (await db.Database.GetPendingMigrationsAsync(ct)).ToList();
        await db.Database.MigrateAsync(ct);
        return pending;
    }
}
