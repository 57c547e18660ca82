using System.Text;
using System.Text.Json.Nodes;
using RabbitMQ.Client;

namespace InternS1.Batch.Worker.Messaging;

/// <summary>
/// Publishes job JSON to the job queue's exchange with publisher confirms (each publish completes when the
/// broker has taken responsibility for the message; a nack or an unroutable message throws). Messages are
/// persistent, <c>content_type: application/json</c>, <c>message_id</c> = job id; the worker reads such raw
/// JSON jobs directly. The queue topology is declared first (idempotent), or, for a producer user that may only
/// publish, found to exist (<see cref="JobQueueTopology.EnsureAsync"/>).
/// </summary>
public sealed class JobPublisher : IAsyncDisposable
{
    private const int Window = 128;
    private readonly IConnection _connection;
    private readonly IChannel _channel;
    private readonly string _queue;

    private JobPublisher(IConnection connection, IChannel channel, string queue)
    {
        _connection = connection;
        _channel = channel;
        _queue = queue;
    }

    /// <summary>Connects and declares the job queue <paramref name="queueName"/>.</summary>
    public static async Task<JobPublisher> ConnectAsync(RabbitMqAddress address, string queueName, CancellationToken ct)
    {
        var connection = await address.CreateConnectionFactory("interns1-submit").CreateConnectionAsync(ct).ConfigureAwait(false);
        try
        {
            await JobQueueTopology.EnsureAsync(connection, queueName, ct).ConfigureAwait(false);
            var channel = await connection.CreateChannelAsync(
                new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), ct).ConfigureAwait(false);
            return new JobPublisher(connection, channel, queueName);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Publishes one job and waits for the broker's confirm.</summary>
    public async Task PublishAsync(string jobId, string json, CancellationToken ct)
    {
        var props = new BasicProperties
        {
            ContentType = "application/json",
            DeliveryMode = DeliveryModes.Persistent,
            MessageId = jobId,
        };
        await _channel.BasicPublishAsync(_queue, "", mandatory: true, props, Encoding.UTF8.GetBytes(json), ct).ConfigureAwait(false);
    }

    /// <summary>Publishes many jobs, up to 128 unconfirmed at a time; <paramref name="progress"/> gets the confirmed count.</summary>
    public async Task PublishAllAsync(IReadOnlyList<(string JobId, string Json)> jobs, Action<int>? progress, CancellationToken ct)
    {
        var done = 0;
        for (var i = 0; i < jobs.Count; i += Window)
        {
            var window = jobs.Skip(i).Take(Window).Select(j => PublishAsync(j.JobId, j.Json, ct)).ToArray();
            await Task.WhenAll(window).ConfigureAwait(false);
            done += window.Length;
            progress?.Invoke(done);
        }
    }

    /// <summary>Convenience for JSON nodes.</summary>
    public Task PublishAsync(string jobId, JsonObject job, CancellationToken ct) => PublishAsync(jobId, job.ToJsonString(), ct);

    public async ValueTask DisposeAsync()
    {
        await _channel.DisposeAsync().ConfigureAwait(false);
        await _connection.DisposeAsync().ConfigureAwait(false);
    }
}
