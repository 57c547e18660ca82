using System.Text;
using System.Text.Json;
using InternS1.Batch.Contracts.Jobs;
using RabbitMQ.Client;

namespace InternS1.Batch.Worker.Messaging;

/// <summary>
/// Publishes a <see cref="CancelJobs"/> as JSON (<c>content_type: application/json</c>) to the fanout exchange
/// <c>{queue}_cancel</c> with a publisher confirm. Every running worker of the queue has its own queue bound
/// there; with no worker running the message is dropped by the broker, which is fine: the database already
/// says <c>cancelled</c> and a worker started later acknowledges those jobs without work.
/// </summary>
public static class CancelBroadcaster
{
    /// <summary>Declares the exchange and publishes <paramref name="command"/>; completes when the broker confirmed it.</summary>
    public static async Task PublishAsync(RabbitMqAddress address, string queueName, CancelJobs command, CancellationToken ct)
    {
        await using var connection = await address.CreateConnectionFactory("interns1-cancel").CreateConnectionAsync(ct).ConfigureAwait(false);
        await using var channel = await connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), ct).ConfigureAwait(false);
        await JobQueueTopology.DeclareCancelExchangeAsync(channel, queueName, ct).ConfigureAwait(false);
        var props = new BasicProperties
        {
            ContentType = "application/json",
            DeliveryMode = DeliveryModes.Transient,
            MessageId = Guid.NewGuid().ToString(),
        };
        var body = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(command));
        await channel.BasicPublishAsync(JobQueueTopology.CancelExchange(queueName), "", mandatory: false, props, body, ct).ConfigureAwait(false);
    }
}
