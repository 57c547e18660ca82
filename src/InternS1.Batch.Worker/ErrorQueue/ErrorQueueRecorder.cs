using InternS1.Batch.Storage;
using InternS1.Batch.Storage.Writing;
using InternS1.Batch.Worker.Messaging;
using InternS1.Batch.Worker.Options;
using InternS1.Batch.Worker.Telemetry;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;

namespace InternS1.Batch.Worker.ErrorQueue;

/// <summary>
/// Keeps the RabbitMQ <c>_error</c>/<c>_skipped</c> queues and the <c>dead_letters</c> table in agreement:
/// every message MassTransit moves there (unreadable message, transient fault past its retries, unexpected
/// fault, unhandled message type) is written to <c>dead_letters</c> and only then acknowledged, so the
/// queues drain into the table and nothing is lost in between. A failed write leaves the message in the
/// queue (nack + requeue after a pause). Duplicates are harmless (open dead letters are unique per job).
/// No message can stop it (<see cref="FaultedMessage.Read"/> never throws), and a message ends a job only when
/// the ledger agrees it is MassTransit's fault for a delivery of this queue (<see cref="FaultAttribution"/>): a
/// forged or stray fault is ignored or kept under its own message key, and logged.
/// The queues are created by MassTransit on first use; until then the recorder checks for them every
/// few seconds (it never declares them, so their arguments stay MassTransit's).
/// </summary>
public sealed class ErrorQueueRecorder(
    RabbitMqAddress address,
    ResultWriter writer,
    FaultAttribution attribution,
    WorkerMetrics metrics,
    IOptions<WorkerOptions> options,
    ILogger<ErrorQueueRecorder> logger) : BackgroundService
{
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var queue = options.Value.QueueName;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await address.CreateConnectionFactory("interns1-error-recorder").CreateConnectionAsync(stoppingToken).ConfigureAwait(false);
                var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                connection.ConnectionShutdownAsync += (_, _) => { closed.TrySetResult(); return Task.CompletedTask; };
                var pending = new List<(string Queue, bool Skipped)> { (JobQueueTopology.ErrorQueue(queue), false), (JobQueueTopology.SkippedQueue(queue), true) };
                var channels = new List<IChannel>();
                try
                {
                    while (!stoppingToken.IsCancellationRequested && !closed.Task.IsCompleted)
                    {
                        foreach (var q in pending.ToArray())
                        {
                            if (!await ExistsAsync(connection, q.Queue, stoppingToken).ConfigureAwait(false))
                                continue;
                            channels.Add(await ConsumeAsync(connection, q.Queue, q.Skipped, stoppingToken).ConfigureAwait(false));
                            pending.Remove(q);
                            logger.LogInformation("Recording {Queue} into dead_letters", q.Queue);
                        }
                        await Task.WhenAny(closed.Task, Task.Delay(Poll, stoppingToken)).ConfigureAwait(false);
                    }
                }
                finally
                {
                    foreach (var ch in channels)
                        await ch.DisposeAsync().ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Error-queue recorder lost its broker connection; reconnecting");
            }
            try
            {
                await Task.Delay(Poll, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static async Task<bool> ExistsAsync(IConnection connection, string queue, CancellationToken ct)
    {
        // A failed passive declare closes the channel, so each check uses its own.
        await using var probe = await connection.CreateChannelAsync(cancellationToken: ct).ConfigureAwait(false);
        try
        {
            await probe.QueueDeclarePassiveAsync(queue, ct).ConfigureAwait(false);
            return true;
        }
        catch (OperationInterruptedException)
        {
            return false;
        }
    }

    private async Task<IChannel> ConsumeAsync(IConnection connection, string queue, bool skipped, CancellationToken ct)
    {
        var channel = await connection.CreateChannelAsync(cancellationToken: ct).ConfigureAwait(false);
        await channel.BasicQosAsync(0, 64, false, ct).ConfigureAwait(false);
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += async (_, delivery) =>
        {
            try
            {
                await RecordAsync(delivery, queue, skipped, ct).ConfigureAwait(false);
                await channel.BasicAckAsync(delivery.DeliveryTag, false, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Could not record message {MessageId} from {Queue} yet; it stays in the queue", delivery.BasicProperties.MessageId, queue);
                try
                {
                    await Task.Delay(Poll, ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                }
                try
                {
                    if (channel.IsOpen)
                        await channel.BasicNackAsync(delivery.DeliveryTag, false, requeue: true, CancellationToken.None).ConfigureAwait(false);
                }
                catch (Exception nackFailed)
                {
                    logger.LogDebug(nackFailed, "Nack of message {MessageId} failed; the broker redelivers it with the channel", delivery.BasicProperties.MessageId);
                }
            }
        };
        await channel.BasicConsumeAsync(queue, autoAck: false, consumer, ct).ConfigureAwait(false);
        return channel;
    }

    /// <summary>Reads the message (never throws), checks it against the ledger, writes what it decided.</summary>
    private async Task RecordAsync(BasicDeliverEventArgs delivery, string queue, bool skipped, CancellationToken ct)
    {
        var reading = FaultedMessage.Read(delivery.Body.Span, delivery.BasicProperties.Headers, delivery.BasicProperties.MessageId, skipped);
        var verdict = await attribution.DecideAsync(reading, ct).ConfigureAwait(false);
        if (verdict.Record is not { } record)
        {
            logger.LogWarning("Ignored a message from {Queue} that names job {JobId}: {Why}", queue, reading.ClaimedJobId, verdict.Why);
            return;
        }
        if (verdict.Kind == FaultVerdictKind.Unattributed && reading.ClaimedJobId is not null)
            logger.LogWarning("Recording a message from {Queue} under {Key}, not against job {JobId}: {Why}", queue, record.JobId, reading.ClaimedJobId, verdict.Why);
        try
        {
            await writer.WriteDeadLetterAsync(record, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (!TransientDatabaseErrors.IsTransient(ex) && ex is not OperationCanceledException and not InvalidOperationException)
        {
            // NOTE: the record itself cannot be stored (e.g. a value the schema refuses): store the raw
            // message under its own key instead, so the queue still drains and nothing is lost.
            var fallback = record with
            {
                JobId = "message:" + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(delivery.Body.Span))[..32].ToLowerInvariant(),
                Dataset = null,
                CustomId = null,
                PayloadJson = new System.Text.Json.Nodes.JsonObject { ["raw_base64"] = Convert.ToBase64String(delivery.Body.Span) }.ToJsonString(),
            };
            logger.LogError(ex, "Recording {JobId} failed; storing the raw message as {Fallback}", record.JobId, fallback.JobId);
            record = fallback;
            await writer.WriteDeadLetterAsync(record, ct).ConfigureAwait(false);
        }
        metrics.DeadLettered(record.ReasonCode);
        logger.LogWarning("Recorded {JobId} from {Queue}: {ReasonCode}: {Message}", record.JobId, queue, record.ReasonCode, record.Message);
    }
}
