using System.CommandLine;
using InternS1.Batch.Cli.Composition;
using InternS1.Batch.Storage.Schema;
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
            var migrator = services.GetRequiredService<SchemaMigrator>();
            var applied = await migrator.PendingAsync(ct);
            await migrator.MigrateAsync(ct);
            Console.WriteLine(applied.Count == 0 ? "Database is up to date." : $"Applied {applied.Count} migration(s): {string.Join(", ", applied)}");
            return 0;
        });
        return command;
    }
}
