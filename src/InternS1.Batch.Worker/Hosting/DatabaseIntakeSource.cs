using InternS1.Batch.Storage;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace InternS1.Batch.Worker.Hosting;

/// <summary>
/// The <see cref="IntakeGate"/>'s <c>database</c> source: a database operation of the worker (consumer, ledger,
/// result writer) that fails with a connection-level fault (<see cref="IsConnectionFault"/>) closes the gate with
/// the reason <c>"PostgreSQL unreachable: ..."</c>; <see cref="DatabaseIntakeMonitor"/> probes the database while
/// the gate is held closed by this source and releases it when the database answers.
/// </summary>
public sealed partial class DatabaseIntakeSource(IntakeGate gate, TimeProvider time, ILogger<DatabaseIntakeSource> logger)
{
    /// <summary>The source's name in the gate (and in readiness).</summary>
    public const string Name = "database";

    private readonly object _lock = new();
    private DateTimeOffset? _unreachableSince;

    /// <summary>True while this source holds the gate closed.</summary>
    public bool IsHolding
    {
        get
        {
            lock (_lock)
                return _unreachableSince is not null;
        }
    }

    /// <summary>
    /// True for a fault that says the database cannot be reached (refused or dropped connection, timeouts of the
    /// client, the server shutting down or not accepting connections yet, out of connection slots); false for
    /// everything else, including transient faults of a live server (serialization failures, deadlocks).
    /// </summary>
    public static bool IsConnectionFault(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case PostgresException pg:
                    return pg.SqlState.StartsWith("08", StringComparison.Ordinal)
                           || pg.SqlState is "57P01" or "57P02" or "57P03" or "53300";
                case NpgsqlException npgsql:
                    return TransientDatabaseErrors.IsTransient(npgsql);
            }
        }
        return false;
    }

    /// <summary>Closes the gate when <paramref name="exception"/> is a connection fault; returns whether it was.</summary>
    public bool Report(Exception exception)
    {
        if (!IsConnectionFault(exception))
            return false;
        var first = false;
        lock (_lock)
        {
            if (_unreachableSince is null)
            {
                _unreachableSince = time.GetUtcNow();
                first = true;
            }
        }
        if (first)
        {
            LogUnreachable(Describe(exception));
            gate.Close(Name, $"PostgreSQL unreachable: {Describe(exception)}");
        }
        return true;
    }

    /// <summary>The database answered: releases the gate (no-op while this source does not hold it).</summary>
    public void Reachable()
    {
        DateTimeOffset since;
        lock (_lock)
        {
            if (_unreachableSince is not { } s)
                return;
            since = s;
            _unreachableSince = null;
        }
        LogReachable((time.GetUtcNow() - since).TotalSeconds);
        gate.Open(Name);
    }

    private static string Describe(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is NpgsqlException)
                return e.InnerException is { } inner and not NpgsqlException ? $"{e.Message} ({inner.Message})" : e.Message;
        }
        return exception.Message;
    }

    // NOTE: both edges at Warning, so whoever watches warnings sees the outage end as well as begin.
    [LoggerMessage(EventId = 7211, Level = LogLevel.Warning, Message = "PostgreSQL unreachable ({Reason}); pausing intake until it answers")]
    private partial void LogUnreachable(string reason);

    [LoggerMessage(EventId = 7212, Level = LogLevel.Warning, Message = "PostgreSQL answers again after {Seconds:0.0} s; resuming intake")]
    private partial void LogReachable(double seconds);
}
