using InternS1.Batch.Storage;
using InternS1.Batch.Worker.Messaging;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using RabbitMQ.Client;

namespace InternS1.Batch.Worker.Scratch;

/// <summary>A throw-away database (created, migrated, dropped) and queue names (deleted afterwards) so a
/// benchmark never touches real data.</summary>
public sealed class ScratchEnvironment : IAsyncDisposable
{
    private readonly string _adminConnectionString;
    private readonly RabbitMqAddress _rabbit;
    private readonly List<string> _queues = [];

    private ScratchEnvironment(string adminConnectionString, string connectionString, string database, RabbitMqAddress rabbit)
    {
        _adminConnectionString = adminConnectionString;
        ConnectionString = connectionString;
        Database = database;
        _rabbit = rabbit;
    }

    public string ConnectionString { get; }

    public string Database { get; }

    public static async Task<ScratchEnvironment> CreateAsync(string connectionString, RabbitMqAddress rabbit, string prefix, CancellationToken ct)
    {
        var database = Truncate($"{prefix}_{Guid.NewGuid():N}", 48);
        var scratch = new NpgsqlConnectionStringBuilder(connectionString) { Database = database, Pooling = true, MaxPoolSize = 100 }.ConnectionString;
        await using (var admin = new NpgsqlConnection(connectionString))
        {
            await admin.OpenAsync(ct);
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database}\"", admin);
            await create.ExecuteNonQueryAsync(ct);
        }
        var env = new ScratchEnvironment(connectionString, scratch, database, rabbit);
        var options = new DbContextOptionsBuilder<InternS1DbContext>();
        InternS1DbContext.Configure(options, scratch);
        await using var db = new InternS1DbContext(options.Options);
        await db.Database.MigrateAsync(ct);
        return env;
    }

    /// <summary>A unique queue name that is deleted (with its exchanges and _error/_skipped queues) on dispose.</summary>
    public string Queue(string name)
    {
        var queue = Truncate($"interns1-{name}-{Guid.NewGuid():N}", 60);
        _queues.Add(queue);
        return queue;
    }

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..max];

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearPool(new NpgsqlConnection(ConnectionString));
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var admin = new NpgsqlConnection(_adminConnectionString);
                await admin.OpenAsync();
                await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Database}\" WITH (FORCE)", admin);
                await drop.ExecuteNonQueryAsync();
                break;
            }
            catch (Exception ex) when (attempt < 5)
            {
                // NOTE: concurrent CREATE/DROP DATABASE in other tests can make one of them fail briefly.
                Console.Error.WriteLine($"drop of scratch database {Database} failed (attempt {attempt}): {ex.Message}");
                await Task.Delay(200 * attempt);
            }
            catch (Exception ex)
            {
                Console.Error.WriteLine($"could not drop scratch database {Database}: {ex.Message}");
                break;
            }
        }
        try
        {
            await using var connection = await _rabbit.CreateConnectionFactory("interns1-scratch-cleanup").CreateConnectionAsync();
            await using var channel = await connection.CreateChannelAsync();
            foreach (var q in _queues)
            {
                foreach (var name in new[] { q, JobQueueTopology.ErrorQueue(q), JobQueueTopology.SkippedQueue(q) })
                {
                    await channel.QueueDeleteAsync(name, ifUnused: false, ifEmpty: false);
                    await channel.ExchangeDeleteAsync(name, ifUnused: false);
                }
            }
        }
        catch (Exception ex)
        {
            Console.Error.WriteLine($"could not delete scratch queues: {ex.Message}");
        }
    }
}
