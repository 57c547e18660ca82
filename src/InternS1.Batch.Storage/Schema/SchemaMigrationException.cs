namespace InternS1.Batch.Storage.Schema;

/// <summary>The migrations could not run as configured: the server refused the connection's credentials, or its
/// role may not change the schema. The message names the setting (e.g. <c>ConnectionStrings:PostgresOwner</c>),
/// never the password.</summary>
public sealed class SchemaMigrationException(string message, Exception inner) : Exception(message, inner);
