using System.Net.Sockets;
using InternS1.Batch.Worker.Consumers;
using InternS1.Batch.Worker.Execution;
using Npgsql;
using RabbitMQ.Client.Exceptions;

namespace InternS1.Batch.Tests.Unit;

/// <summary>The retry filter of the job endpoint (<see cref="SubmitPromptJobConsumerDefinition.IsTransient"/>, that is
/// <see cref="TransientFaults"/>) classifies faults by where they come from.</summary>
public class TransientFaultsTests
{
    public static TheoryData<string, Exception> NotTransient => new()
    {
        { "a media body cut short", new IOException("The response ended prematurely.") },
        { "an HTTP stream cut short", new HttpIOException(HttpRequestError.ResponseEnded, "The response ended prematurely.") },
        { "a media host refusing the connection", new HttpRequestException("Connection refused", new SocketException((int)SocketError.ConnectionRefused)) },
        { "a bare socket error", new SocketException((int)SocketError.ConnectionReset) },
        { "a download timeout", new TimeoutException("The operation has timed out.") },
        { "a file that cannot be read", new FileNotFoundException("missing.png") },
        { "a unique violation", new PostgresException("duplicate key", "ERROR", "ERROR", PostgresErrorCodes.UniqueViolation) },
        { "an invalid byte sequence", new PostgresException("invalid byte sequence", "ERROR", "ERROR", PostgresErrorCodes.CharacterNotInRepertoire) },
        { "a bug", new NullReferenceException() },
    };

    public static TheoryData<string, Exception> Transient => new()
    {
        { "the executor's own transient fault", new TransientJobException("engine out of memory") },
        { "the database closing the stream", new NpgsqlException("Exception while reading from stream", new IOException("EOF")) },
        { "the database refusing connections", new NpgsqlException("Failed to connect", new SocketException((int)SocketError.ConnectionRefused)) },
        { "a database command timeout", new NpgsqlException("Exception while reading from stream", new TimeoutException()) },
        { "the database shutting down", new PostgresException("terminating connection due to administrator command", "FATAL", "FATAL", PostgresErrorCodes.AdminShutdown) },
        { "a serialization conflict", new PostgresException("could not serialize access", "ERROR", "ERROR", PostgresErrorCodes.SerializationFailure) },
        { "a database fault inside a wrapper (EF Core)", new InvalidOperationException("An exception has been raised that is likely due to a transient failure.",
            new NpgsqlException("Exception while reading from stream", new IOException("EOF"))) },
        { "a broker connection that closed", new AlreadyClosedException(new RabbitMQ.Client.Events.ShutdownEventArgs(RabbitMQ.Client.ShutdownInitiator.Peer, 320, "CONNECTION_FORCED")) },
    };

    [Theory]
    [MemberData(nameof(NotTransient))]
    public void Faults_that_do_not_come_from_the_database_the_broker_or_the_executor_are_not_retried(string what, Exception exception)
        => Assert.False(SubmitPromptJobConsumerDefinition.IsTransient(exception), what);

    [Theory]
    [MemberData(nameof(Transient))]
    public void Transient_faults_of_the_database_the_broker_and_the_executor_are_retried(string what, Exception exception)
        => Assert.True(SubmitPromptJobConsumerDefinition.IsTransient(exception), what);
}
