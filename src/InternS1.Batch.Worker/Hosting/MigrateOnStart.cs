using InternS1.Batch.Storage.Schema;
using InternS1.Batch.Worker.Options;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace InternS1.Batch.Worker.Hosting;

/// <summary>Applies the EF Core migrations before the worker consumes, when <c>Worker:MigrateOnStart</c> is true.</summary>
public sealed class MigrateOnStart(SchemaMigrator migrator, IOptions<WorkerOptions> options, ILogger<MigrateOnStart> logger) : IHostedService
{
    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.MigrateOnStart)
            return;
        var pending = await migrator.PendingAsync(cancellationToken).ConfigureAwait(false);
        if (pending.Count > 0)
            logger.LogInformation("Applying migrations: {Migrations}", string.Join(", ", pending));
        await migrator.MigrateAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
