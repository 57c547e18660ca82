using InternS1.Batch.Worker.Options;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace InternS1.Batch.Worker.Hosting;

/// <summary>
/// While <see cref="DatabaseIntakeSource"/> holds the intake gate closed, probes PostgreSQL with <c>SELECT 1</c> through
/// the worker's data source every <c>Worker:DatabaseProbeInterval</c> and releases the gate at the first answer.
/// While the database is reachable it only checks a flag.
/// </summary>
internal sealed partial class DatabaseIntakeMonitor(
    DatabaseIntakeSource source,
    NpgsqlDataSource dataSource,
    IOptions<WorkerOptions> options,
    TimeProvider time,
    ILogger<DatabaseIntakeMonitor> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.DatabaseProbeInterval;
        using var timer = new PeriodicTimer(interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                if (source.IsHolding && await ProbeAsync(interval, stoppingToken).ConfigureAwait(false))
                    source.Reachable();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task<bool> ProbeAsync(TimeSpan interval, CancellationToken stoppingToken)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            timeout.CancelAfter(interval + TimeSpan.FromSeconds(5));
            await using var cmd = dataSource.CreateCommand("SELECT 1");
            await cmd.ExecuteScalarAsync(timeout.Token).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            LogProbeFailed(ex.Message);
            return false;
        }
    }

    [LoggerMessage(EventId = 7213, Level = LogLevel.Debug, Message = "PostgreSQL probe failed: {Reason}")]
    private partial void LogProbeFailed(string reason);
}
