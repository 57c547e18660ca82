using InternS1.Batch.Storage.Schema;
using InternS1.Batch.Worker.Options;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace InternS1.Batch.Worker.Hosting;

/// <summary>Applies the EF Core migrations before the worker consumes, when <c>Worker:MigrateOnStart</c> is true
/// (as the owner role of <c>ConnectionStrings:PostgresOwner</c> when set: the worker's own role may not change the schema).</summary>
public sealed class MigrateOnStart(SchemaMigrator migrator, IOptions<WorkerOptions> options, ILogger<MigrateOnStart> logger) : IHostedService
{
    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.MigrateOnStart)
            return;
        try
        {
            var pending = await migrator.PendingAsync(cancellationToken).ConfigureAwait(false);
            if (pending.Count > 0)
                logger.LogInformation("Applying migrations as {Setting}: {Migrations}", migrator.Setting, string.Join(", ", pending));
            await migrator.MigrateAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (SchemaMigrationException ex)
        {
            throw new WorkerStartupException("Worker:MigrateOnStart: " + ex.Message, ex);
        }
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
