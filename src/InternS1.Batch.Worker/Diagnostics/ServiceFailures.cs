using Npgsql;
using RabbitMQ.Client.Exceptions;

namespace InternS1.Batch.Worker.Diagnostics;

/// <summary>
/// One sentence for a person about a failure of the database or the broker (the command-line tools end with it, never
/// with a stack trace): which service, which setting, what the client said. Credentials are never part of it (the
/// clients' messages do not carry them).
/// </summary>
public static class ServiceFailures
{
    /// <summary>The explanation of <paramref name="exception"/> (or of an exception inside it), or null when it is not a
    /// database or broker failure.</summary>
    public static string? Explain(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var chain = new List<Exception>();
        for (Exception? e = exception; e is not null && chain.Count < 32; e = e.InnerException)
        {
            chain.Add(e);
            if (e is AggregateException { InnerExceptions.Count: > 0 } aggregate)
                chain.AddRange(aggregate.InnerExceptions.Skip(1));
        }
        foreach (var e in chain)
        {
            switch (e)
            {
                case PostgresException pg when pg.SqlState is PostgresErrorCodes.InvalidPassword or PostgresErrorCodes.InvalidAuthorizationSpecification:
                    return $"PostgreSQL refused the credentials of ConnectionStrings:Postgres: {pg.MessageText}";
                case PostgresException pg when pg.SqlState == PostgresErrorCodes.InvalidCatalogName:
                    return $"PostgreSQL: {pg.MessageText} (check the database of ConnectionStrings:Postgres)";
                case PostgresException pg when pg.SqlState == PostgresErrorCodes.UndefinedTable:
                    return $"PostgreSQL: {pg.MessageText}; the schema is missing or old: run interns1 migrate";
                case PostgresException pg:
                    return $"PostgreSQL error {pg.SqlState}: {pg.MessageText}";
                case AuthenticationFailureException:
                    return $"RabbitMQ refused the credentials of ConnectionStrings:RabbitMq: {e.Message}";
            }
        }
        foreach (var e in chain)
        {
            switch (e)
            {
                case NpgsqlException:
                    return $"cannot reach PostgreSQL (ConnectionStrings:Postgres): {Innermost(e).Message}";
                case BrokerUnreachableException:
                    return $"cannot reach RabbitMQ (ConnectionStrings:RabbitMq): {Innermost(e).Message}";
            }
        }
        return null;
    }

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is { } inner) e = inner;
        return e;
    }
}
