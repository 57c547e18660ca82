using System.Text;
using InternS1.Batch.Worker.Messaging;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace InternS1.Batch.Tests.Infrastructure;

/// <summary>Direct broker access for tests: raw publishes and queue depth.</summary>
public static class Broker
{
    /// <summary>Messages ready in <paramref name="queue"/>, or -1 when it does not exist.</summary>
    public static async Task<long> MessageCountAsync(string queue)
    {
        await using var connection = await TestServices.RabbitMq.CreateConnectionFactory("interns1-tests").CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        try
        {
            var ok = await channel.QueueDeclarePassiveAsync(queue);
            return ok.MessageCount;
        }
        catch (OperationInterruptedException)
        {
            return -1;
        }
    }

    /// <summary>Publishes a text body to the job exchange (declaring the job queue first).</summary>
    public static Task PublishRawAsync(string queue, string body, string? contentType = "application/json")
        => PublishRawBytesAsync(queue, [Encoding.UTF8.GetBytes(body)], contentType);

    /// <summary>Publishes raw bodies (any bytes) to the job exchange, one message each, with confirms.</summary>
    public static async Task PublishRawBytesAsync(string queue, IEnumerable<byte[]> bodies, string? contentType = "application/json")
    {
        await using var connection = await TestServices.RabbitMq.CreateConnectionFactory("interns1-tests").CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(true, true));
        await JobQueueTopology.DeclareAsync(channel, queue);
        foreach (var body in bodies)
        {
            var props = new BasicProperties { ContentType = contentType, DeliveryMode = DeliveryModes.Persistent, MessageId = Guid.NewGuid().ToString() };
            await channel.BasicPublishAsync(queue, "", true, props, body);
        }
    }

    /// <summary>Puts a message straight into <paramref name="targetQueue"/> (the default exchange, as the broker's
    /// administrator) with the given AMQP headers: what a forger allowed to publish there could send.</summary>
    public static async Task PublishToQueueAsync(string targetQueue, string body, IDictionary<string, object?> headers)
    {
        await using var connection = await TestServices.RabbitMq.CreateConnectionFactory("interns1-tests").CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(true, true));
        var props = new BasicProperties
        {
            ContentType = "application/json", DeliveryMode = DeliveryModes.Persistent, MessageId = Guid.NewGuid().ToString(), Headers = headers,
        };
        await channel.BasicPublishAsync("", targetQueue, true, props, Encoding.UTF8.GetBytes(body));
    }

    /// <summary>Deletes a job queue, its exchange and its _error/_skipped queues and exchanges.</summary>
    public static async Task DeleteJobQueueAsync(string queue)
    {
        await using var connection = await TestServices.RabbitMq.CreateConnectionFactory("interns1-tests").CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        foreach (var name in new[] { queue, JobQueueTopology.ErrorQueue(queue), JobQueueTopology.SkippedQueue(queue) })
        {
            await channel.QueueDeleteAsync(name, ifUnused: false, ifEmpty: false);
            await channel.ExchangeDeleteAsync(name, ifUnused: false);
        }
    }
}
