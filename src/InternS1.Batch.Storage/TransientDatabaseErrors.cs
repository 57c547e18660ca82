using Npgsql;

namespace InternS1.Batch.Storage;

/// <summary>Decides whether a database exception may pass if the operation is tried again
/// (server unreachable, restarting, shutting down, out of connections, serialization conflicts).
/// Only faults that come from the database client count: Npgsql wraps its own socket, stream and timeout
/// failures in an <see cref="NpgsqlException"/> (with <c>IsTransient</c>), so a bare <see cref="IOException"/>,
/// <c>SocketException</c> or <see cref="TimeoutException"/> comes from somewhere else (a media download, a file)
/// and is not a database fault.</summary>
public static class TransientDatabaseErrors
{
    private static readonly HashSet<string> TransientSqlStates =
    [
        "08000", "08001", "08003", "08004", "08006", "08P01", // connection exceptions
        "40001", "40P01",                                     // serialization failure, deadlock
        "53000", "53100", "53200", "53300", "53400",          // insufficient resources
        "57P01", "57P02", "57P03",                            // admin/crash shutdown, cannot connect now
        "58000", "58030",                                     // system / io error
    ];

    /// <summary>True if <paramref name="exception"/> (or an inner exception) is a transient database fault.</summary>
    public static bool IsTransient(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case PostgresException pg:
                    return TransientSqlStates.Contains(pg.SqlState);
                case NpgsqlException { IsTransient: true }:
                    return true;
                case NpgsqlException:
                    return false;
            }
        }
        return false;
    }
}
