using System.CommandLine;
using InternS1.Batch.Cli.Composition;
using InternS1.Batch.Storage.Schema;
using Microsoft.Extensions.DependencyInjection;

namespace InternS1.Batch.Cli.Commands;

/// <summary><c>interns1 migrate</c>: applies the EF Core migrations (tables, views, grants) as the owner role
/// (<c>ConnectionStrings:PostgresOwner</c>, else <c>ConnectionStrings:Postgres</c>). A refused connection or a role
/// that may not change the schema is one line naming the setting, exit code 1.</summary>
public static class MigrateCommand
{
    public static Command Create()
    {
        var command = new Command("migrate", "Create or update the PostgreSQL schema as the owner role (EF Core migrations, views, grants)");
        command.SetAction(async (_, ct) =>
        {
            await using var services = CliServices.Build();
            try
            {
                var migrator = services.GetRequiredService<SchemaMigrator>();
                var applied = await migrator.PendingAsync(ct);
                await migrator.MigrateAsync(ct);
                Console.WriteLine(applied.Count == 0 ? "Database is up to date." : $"Applied {applied.Count} migration(s): {string.Join(", ", applied)}");
                return 0;
            }
            catch (Exception ex) when (ex is SchemaMigrationException or InvalidOperationException)
            {
                Console.Error.WriteLine($"interns1 migrate: {ex.Message}");
                return 1;
            }
        });
        return command;
    }
}
