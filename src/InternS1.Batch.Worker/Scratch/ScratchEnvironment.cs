using InternS1.Batch.Storage.Schema;
using InternS1.Batch.Worker.Messaging;
using RabbitMQ.Client;

namespace InternS1.Batch.Worker.Scratch;

/// <summary>A throw-away database (created, migrated, dropped) and queue names (deleted afterwards) so a
/// benchmark (<c>interns1 bench pipeline</c>) or a test never touches real data. The worker never uses it.</summary>
public sealed class ScratchEnvironment : IAsyncDisposable
{
    private readonly ScratchDatabase _database;
    private readonly RabbitMqAddress _rabbit;
    private readonly List<string> _queues = [];

    private ScratchEnvironment(ScratchDatabase database, RabbitMqAddress rabbit)
    {
        _database = database;
        _rabbit = rabbit;
    }

    /// <summary>The connection string of the scratch database.</summary>
    public string ConnectionString => _database.ConnectionString;

    /// <summary>The scratch database's name.</summary>
    public string Database => _database.Name;

    /// <summary>Creates and migrates a database named <paramref name="prefix"/>_GUID on the server of
    /// <paramref name="connectionString"/> (whose user may create databases).</summary>
    public static async Task<ScratchEnvironment> CreateAsync(string connectionString, RabbitMqAddress rabbit, string prefix, CancellationToken ct)
        => new(await ScratchDatabase.CreateAsync(connectionString, prefix, migrate: true, ct).ConfigureAwait(false), rabbit);

    /// <summary>A unique queue name that is deleted (with its exchanges and _error/_skipped queues) on dispose.</summary>
    public string Queue(string name)
    {
        var queue = $"interns1-{name}-{Guid.NewGuid():N}";
        queue = queue.Length <= 60 ? queue : queue[..60];
        _queues.Add(queue);
        return queue;
    }

    /// <summary>Drops the database, then deletes the queues; failures are reported on stderr, not thrown.</summary>
    public async ValueTask DisposeAsync()
    {
        await _database.DisposeAsync().ConfigureAwait(false);
        try
        {
            await using var connection = await _rabbit.CreateConnectionFactory("interns1-scratch-cleanup").CreateConnectionAsync().ConfigureAwait(false);
            await using var channel = await connection.CreateChannelAsync().ConfigureAwait(false);
            foreach (var q in _queues)
            {
                foreach (var name in new[] { q, JobQueueTopology.ErrorQueue(q), JobQueueTopology.SkippedQueue(q) })
                {
                    await channel.QueueDeleteAsync(name, ifUnused: false, ifEmpty: false).ConfigureAwait(false);
                    await channel.ExchangeDeleteAsync(name, ifUnused: false).ConfigureAwait(false);
                }
                await channel.ExchangeDeleteAsync(JobQueueTopology.CancelExchange(q), ifUnused: false).ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            Console.Error.WriteLine($"could not delete scratch queues: {ex.Message}");
        }
    }
}
