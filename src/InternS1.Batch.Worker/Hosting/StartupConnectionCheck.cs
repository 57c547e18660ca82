using InternS1.Batch.Storage;
using InternS1.Batch.Worker.Messaging;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using RabbitMQ.Client.Exceptions;

namespace InternS1.Batch.Worker.Hosting;

/// <summary>
/// Before any hosted service starts (the model is not loaded yet), connects once to PostgreSQL and to RabbitMQ.
/// A server that refuses the credentials (wrong password, unknown role, user or database, no right to connect)
/// stops the worker at once with a <see cref="WorkerStartupException"/> naming the setting: retrying cannot fix
/// it, and a worker left running would never become ready. A server that is only unreachable is logged, and the
/// worker starts (its retries and readiness cover outages).
/// </summary>
internal sealed class StartupConnectionCheck(NpgsqlDataSource database, RabbitMqAddress broker, ILogger<StartupConnectionCheck> logger) : IHostedLifecycleService
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    // invalid_authorization_specification, invalid_password, invalid_catalog_name, insufficient_privilege
    private static readonly HashSet<string> Refusals = ["28000", "28P01", "3D000", "42501"];

    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        await CheckDatabaseAsync(cancellationToken).ConfigureAwait(false);
        await CheckBrokerAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task CheckDatabaseAsync(CancellationToken cancellationToken)
    {
        var target = new NpgsqlConnectionStringBuilder(database.ConnectionString);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            await using var connection = await database.OpenConnectionAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (PostgresException ex) when (Refusals.Contains(ex.SqlState))
        {
            throw new WorkerStartupException(
                $"ConnectionStrings:{StorageOptions.ConnectionStringName}: PostgreSQL at {target.Host}:{target.Port} refused user '{target.Username}' " +
                $"on database '{target.Database}': {ex.MessageText} ({ex.SqlState}). Check the user name, password and database " +
                "(ops/services.sh up creates the roles of README \"Database roles\").", ex);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("PostgreSQL at {Host}:{Port} is not reachable at start ({Error}); starting anyway", target.Host, target.Port, ex.Message);
        }
    }

    private async Task CheckBrokerAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            var factory = broker.CreateConnectionFactory("interns1-startup-check");
            await using var connection = await factory.CreateConnectionAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (Refusal(ex) is { } why)
        {
            throw new WorkerStartupException(
                $"ConnectionStrings:{RabbitMqAddress.ConnectionStringName}: RabbitMQ at {broker.Host}:{broker.Port} refused user '{broker.Username}' " +
                $"on virtual host '{broker.VirtualHost}': {why}. Check the user name, password and virtual host " +
                "(ops/services.sh up creates the users of README \"Broker users\").", ex);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("RabbitMQ at {Host}:{Port} is not reachable at start ({Error}); starting anyway", broker.Host, broker.Port, ex.Message);
        }
    }

    /// <summary>Why the broker refused the login (wrong credentials, no access to the virtual host), or null.</summary>
    private static string? Refusal(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is AuthenticationFailureException or PossibleAuthenticationFailureException)
                return "ACCESS_REFUSED (wrong user name or password)";
            if (e is OperationInterruptedException { ShutdownReason: { ReplyCode: 403 or 530 } reason })
                return $"{reason.ReplyCode} {reason.ReplyText}";
        }
        return null;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
