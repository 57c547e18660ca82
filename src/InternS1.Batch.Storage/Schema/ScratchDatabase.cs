using Npgsql;

namespace InternS1.Batch.Storage.Schema;

/// <summary>A throw-away database on the server of a connection string: created under a unique name
/// (optionally migrated), dropped on dispose, so a benchmark or a test never touches real data.</summary>
public sealed class ScratchDatabase : IAsyncDisposable
{
    private const int MaxNameLength = 48;
    private readonly string _adminConnectionString;

    private ScratchDatabase(string adminConnectionString, string name)
    {
        _adminConnectionString = adminConnectionString;
        Name = name;
        ConnectionString = new NpgsqlConnectionStringBuilder(adminConnectionString) { Database = name, Pooling = true, MaxPoolSize = 100 }.ConnectionString;
    }

    /// <summary>The database name: the prefix, an underscore and a GUID (cut to 48 characters).</summary>
    public string Name { get; }

    /// <summary>The given connection string pointed at this database.</summary>
    public string ConnectionString { get; }

    /// <summary>Creates the database with the rights of <paramref name="adminConnectionString"/>'s user; with
    /// <paramref name="migrate"/>, applies the migrations too.</summary>
    public static async Task<ScratchDatabase> CreateAsync(string adminConnectionString, string prefix, bool migrate, CancellationToken ct)
    {
        var name = $"{prefix}_{Guid.NewGuid():N}";
        var scratch = new ScratchDatabase(adminConnectionString, name.Length <= MaxNameLength ? name : name[..MaxNameLength]);
        await using (var admin = new NpgsqlConnection(adminConnectionString))
        {
            await admin.OpenAsync(ct).ConfigureAwait(false);
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{scratch.Name}\"", admin);
            await create.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
        if (migrate)
            await SchemaMigrator.For(scratch.ConnectionString).MigrateAsync(ct).ConfigureAwait(false);
        return scratch;
    }

    /// <summary>Drops the database (connections forced closed), retrying briefly; a failure is reported on stderr.</summary>
    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearPool(new NpgsqlConnection(ConnectionString));
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var admin = new NpgsqlConnection(_adminConnectionString);
                await admin.OpenAsync().ConfigureAwait(false);
                await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", admin);
                await drop.ExecuteNonQueryAsync().ConfigureAwait(false);
                return;
            }
            catch (Exception ex) when (attempt < 10)
            {
                // NOTE: concurrent CREATE/DROP DATABASE in other tests can make one of them fail briefly, and the owner
                // may not terminate the sessions of another role (42501: a worker connected as its own role): those end
                // when the worker's pool closes, so the drop waits for them rather than asking for more rights.
                Console.Error.WriteLine($"drop of scratch database {Name} failed (attempt {attempt}): {ex.Message}");
                await Task.Delay(300 * attempt).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                Console.Error.WriteLine($"could not drop scratch database {Name}: {ex.Message}");
                return;
            }
        }
    }
}
