using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace InternS1.Batch.Worker.Messaging;

/// <summary>
/// The broker objects of the job queue, declared exactly as MassTransit declares the worker's receive
/// endpoint: a durable fanout exchange and a durable quorum queue of the same name, bound together.
/// Producers (<c>interns1 submit</c>, requeue, any AMQP client) declare them before publishing so no job
/// is published into an unbound exchange when no worker ever ran. The queue is not bound to
/// MassTransit's message-type exchanges: jobs are sent to this exchange, not published by type.
/// </summary>
public static class JobQueueTopology
{
    /// <summary>Queue arguments of the job queue.</summary>
    public static IDictionary<string, object?> QueueArguments => new Dictionary<string, object?> { ["x-queue-type"] = "quorum" };

    /// <summary>Declares (idempotently) the exchange and queue <paramref name="queueName"/> and binds them.</summary>
    public static async Task DeclareAsync(IChannel channel, string queueName, CancellationToken cancellationToken = default)
    {
        await channel.ExchangeDeclareAsync(queueName, ExchangeType.Fanout, durable: true, autoDelete: false, cancellationToken: cancellationToken).ConfigureAwait(false);
        await channel.QueueDeclareAsync(queueName, durable: true, exclusive: false, autoDelete: false, arguments: QueueArguments, cancellationToken: cancellationToken).ConfigureAwait(false);
        await channel.QueueBindAsync(queueName, queueName, routingKey: "", cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Declares the topology on a channel of its own when the user may (<see cref="DeclareAsync"/>); a producer user
    /// that may only publish (README, "Broker users") gets ACCESS_REFUSED, and then the exchange must already exist
    /// (a worker, or ops/rabbitmq/setup.sh, declared it): checked passively, which needs no permission.
    /// </summary>
    public static async Task EnsureAsync(IConnection connection, string queueName, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var declare = await connection.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            await DeclareAsync(declare, queueName, cancellationToken).ConfigureAwait(false);
            return;
        }
        catch (OperationInterruptedException ex) when (ex.ShutdownReason?.ReplyCode == Constants.AccessRefused)
        {
            // May not configure: a producer user. Fall through to the passive check.
        }
        try
        {
            await using var check = await connection.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            await check.ExchangeDeclarePassiveAsync(queueName, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationInterruptedException ex) when (ex.ShutdownReason?.ReplyCode == Constants.NotFound)
        {
            throw new InvalidOperationException(
                $"The jobs exchange '{queueName}' does not exist and this broker user may not declare it: start a worker on the queue first, " +
                "or declare it with ops/rabbitmq/setup.sh (README, \"Broker users\").", ex);
        }
    }

    /// <summary>The <c>_error</c> queue MassTransit moves faulted messages to.</summary>
    public static string ErrorQueue(string queueName) => queueName + "_error";

    /// <summary>The <c>_skipped</c> queue MassTransit moves messages of unhandled types to.</summary>
    public static string SkippedQueue(string queueName) => queueName + "_skipped";

    /// <summary>The durable fanout exchange that broadcasts <c>CancelJobs</c> to every worker of the job queue.</summary>
    public static string CancelExchange(string queueName) => queueName + "_cancel";

    /// <summary>Declares (idempotently) the cancel exchange of <paramref name="queueName"/>.</summary>
    public static Task DeclareCancelExchangeAsync(IChannel channel, string queueName, CancellationToken cancellationToken = default)
        => channel.ExchangeDeclareAsync(CancelExchange(queueName), ExchangeType.Fanout, durable: true, autoDelete: false, cancellationToken: cancellationToken);

    /// <summary>The MassTransit send address of the job exchange.</summary>
    public static Uri SendAddress(string queueName) => new($"exchange:{queueName}");
}
