using System.Net.Sockets;
using InternS1.Batch.Worker.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace InternS1.Batch.Tests.Unit;

/// <summary>The intake gate's database source: which faults pause intake, and that the pause is held and released once.</summary>
public class DatabaseIntakeSourceTests
{
    public static TheoryData<string, Exception> ConnectionFaults => new()
    {
        { "a refused connection", new NpgsqlException("Failed to connect to 127.0.0.1:5432", new SocketException((int)SocketError.ConnectionRefused)) },
        { "a stream the server closed", new NpgsqlException("Exception while reading from stream", new EndOfStreamException()) },
        { "the server shutting down", new PostgresException("terminating connection due to administrator command", "FATAL", "FATAL", PostgresErrorCodes.AdminShutdown) },
        { "the server not accepting connections yet", new PostgresException("the database system is starting up", "FATAL", "FATAL", PostgresErrorCodes.CannotConnectNow) },
        { "a connection fault inside a wrapper (EF Core)", new InvalidOperationException("transient failure",
            new NpgsqlException("Exception while reading from stream", new IOException("Broken pipe"))) },
    };

    public static TheoryData<string, Exception> OtherFaults => new()
    {
        { "a serialization conflict of a live server", new PostgresException("could not serialize access", "ERROR", "ERROR", PostgresErrorCodes.SerializationFailure) },
        { "a deadlock of a live server", new PostgresException("deadlock detected", "ERROR", "ERROR", PostgresErrorCodes.DeadlockDetected) },
        { "a unique violation", new PostgresException("duplicate key", "ERROR", "ERROR", PostgresErrorCodes.UniqueViolation) },
        { "a media host refusing the connection", new HttpRequestException("Connection refused", new SocketException((int)SocketError.ConnectionRefused)) },
        { "a bare IO error", new IOException("The response ended prematurely.") },
    };

    [Theory]
    [MemberData(nameof(ConnectionFaults))]
    public void A_connection_fault_pauses_intake_with_the_reason_until_the_database_answers(string what, Exception fault)
    {
        var gate = new IntakeGate(NullLogger<IntakeGate>.Instance, TimeProvider.System);
        var source = new DatabaseIntakeSource(gate, TimeProvider.System, NullLogger<DatabaseIntakeSource>.Instance);

        Assert.True(source.Report(fault), what);
        Assert.True(source.Report(fault), what);
        Assert.False(gate.IsOpen);
        var (name, reason) = Assert.Single(gate.ClosedBy);
        Assert.Equal("database", name);
        Assert.StartsWith("PostgreSQL unreachable: ", reason);
        Assert.True(source.IsHolding);

        source.Reachable();
        Assert.True(gate.IsOpen);
        Assert.False(source.IsHolding);
    }

    [Theory]
    [MemberData(nameof(OtherFaults))]
    public void Any_other_fault_leaves_intake_open(string what, Exception fault)
    {
        var gate = new IntakeGate(NullLogger<IntakeGate>.Instance, TimeProvider.System);
        var source = new DatabaseIntakeSource(gate, TimeProvider.System, NullLogger<DatabaseIntakeSource>.Instance);

        Assert.False(source.Report(fault), what);
        Assert.True(gate.IsOpen);
        Assert.False(source.IsHolding);
    }
}
