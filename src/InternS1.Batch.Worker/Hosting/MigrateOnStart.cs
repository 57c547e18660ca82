using InternS1.Batch.Storage;
using InternS1.Batch.Worker.Options;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace InternS1.Batch.Worker.Hosting;

/// <summary>Applies the EF Core migrations before the worker consumes, when <c>Worker:MigrateOnStart</c> is true.</summary>
internal sealed class MigrateOnStart(IDbContextFactory<InternS1DbContext> contexts, IOptions<WorkerOptions> options, ILogger<MigrateOnStart> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.MigrateOnStart)
            return;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken).ConfigureAwait(false)).ToList();
        if (pending.Count > 0)
            logger.LogInformation("Applying migrations: {Migrations}", string.Join(", ", pending));
        await db.Database.MigrateAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
