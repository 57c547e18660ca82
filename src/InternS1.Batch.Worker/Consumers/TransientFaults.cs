using InternS1.Batch.Storage;
using InternS1.Batch.Worker.Execution;
using RabbitMQ.Client.Exceptions;

namespace InternS1.Batch.Worker.Consumers;

/// <summary>
/// Which faults of a job are worth retrying, decided by where they come from, never by the exception's base
/// type: the executor's <see cref="TransientJobException"/> (engine out of memory, a remote server that may
/// come back), a transient database fault (Npgsql's own classification, see
/// <see cref="TransientDatabaseErrors"/>) and a broker connection that dropped. A bare
/// <see cref="IOException"/>, <see cref="System.Net.Sockets.SocketException"/> or <see cref="TimeoutException"/>
/// is not one of them: a media server that cuts a body short raises those too, and retrying it five times only
/// turns the job's real reason into <c>retries_exhausted</c>.
/// </summary>
public static class TransientFaults
{
    /// <summary>True for the faults worth retrying (the exception or one of its inner exceptions).</summary>
    public static bool IsTransient(Exception exception)
    {
        if (TransientDatabaseErrors.IsTransient(exception))
            return true;
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is TransientJobException or AlreadyClosedException or BrokerUnreachableException or ConnectFailureException)
                return true;
        }
        return false;
    }
}
