using Microsoft.Extensions.Configuration;
using RabbitMQ.Client;

namespace InternS1.Batch.Worker.Messaging;

/// <summary>The broker address from <c>ConnectionStrings:RabbitMq</c>, an AMQP URI
/// (<c>amqp://user:password@host:5672/vhost</c>; <c>amqps://</c> for TLS; <c>/</c> is the default vhost).</summary>
public sealed record RabbitMqAddress(string Host, int Port, string VirtualHost, string Username, string Password, bool UseTls)
{
    /// <summary>The connection string name under <c>ConnectionStrings</c>.</summary>
    public const string ConnectionStringName = "RabbitMq";

    /// <summary>Reads and parses <c>ConnectionStrings:RabbitMq</c>.</summary>
    public static RabbitMqAddress FromConfiguration(IConfiguration configuration)
    {
        var value = configuration.GetConnectionString(ConnectionStringName);
        if (string.IsNullOrWhiteSpace(value))
            throw new InvalidOperationException(
                $"ConnectionStrings:{ConnectionStringName} is not set (appsettings.json, or the environment variable ConnectionStrings__{ConnectionStringName}).");
        return Parse(value);
    }

    /// <summary>Parses an AMQP URI; the error names the setting.</summary>
    public static RabbitMqAddress Parse(string uri)
    {
        if (!Uri.TryCreate(uri, UriKind.Absolute, out var u) || (u.Scheme != "amqp" && u.Scheme != "amqps"))
            throw new InvalidOperationException($"ConnectionStrings:{ConnectionStringName} must be an amqp:// or amqps:// URI, got '{Redact(uri)}'.");
        var tls = u.Scheme == "amqps";
        var port = u.IsDefaultPort || u.Port <= 0 ? (tls ? 5671 : 5672) : u.Port;
        var user = "guest";
        var password = "guest";
        if (!string.IsNullOrEmpty(u.UserInfo))
        {
            var parts = u.UserInfo.Split(':', 2);
            user = Uri.UnescapeDataString(parts[0]);
            password = parts.Length > 1 ? Uri.UnescapeDataString(parts[1]) : "";
        }
        var vhost = u.AbsolutePath.Length <= 1 ? "/" : Uri.UnescapeDataString(u.AbsolutePath[1..]);
        return new RabbitMqAddress(u.Host, port, vhost, user, password, tls);
    }

    /// <summary>A RabbitMQ.Client factory for this address (used for topology, the error-queue recorder and raw publishing).</summary>
    public ConnectionFactory CreateConnectionFactory(string clientName) => new()
    {
        HostName = Host,
        Port = Port,
        VirtualHost = VirtualHost,
        UserName = Username,
        Password = Password,
        ClientProvidedName = clientName,
        Ssl = { Enabled = UseTls, ServerName = Host },
        AutomaticRecoveryEnabled = false,
    };

    public override string ToString() => $"{(UseTls ? "amqps" : "amqp")}://{Username}@{Host}:{Port}/{(VirtualHost == "/" ? "" : VirtualHost)}";

    private static string Redact(string uri)
    {
        var at = uri.IndexOf('@');
        var scheme = uri.IndexOf("://", StringComparison.Ordinal);
        return at > 0 && scheme > 0 && at > scheme ? uri[..(scheme + 3)] + "***@" + uri[(at + 1)..] : uri;
    }
}
