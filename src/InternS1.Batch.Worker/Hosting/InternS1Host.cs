using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace InternS1.Batch.Worker.Hosting;

/// <summary>
/// Configuration shared by every <c>interns1</c> command: <c>appsettings.json</c> (next to the executable),
/// <c>appsettings.{Environment}.json</c>, environment variables (e.g. <c>ConnectionStrings__Postgres</c>),
/// then environment variables with the <c>INTERNS1_</c> prefix (e.g. <c>INTERNS1_Worker__QueueName</c>),
/// then command-line <c>--Section:Key=value</c> pairs; later sources win.
/// </summary>
public static class InternS1Host
{
    /// <summary>Prefix of the project's own environment variables.</summary>
    public const string EnvironmentPrefix = "INTERNS1_";

    /// <summary>A host builder with the project's configuration sources (for the worker).</summary>
    public static HostApplicationBuilder CreateApplicationBuilder(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT") ?? Environment.GetEnvironmentVariable(EnvironmentPrefix + "ENVIRONMENT") ?? Environments.Production,
        });
        builder.Configuration.AddEnvironmentVariables(EnvironmentPrefix);
        if (args.Length > 0)
            builder.Configuration.AddCommandLine(args);
        return builder;
    }

    /// <summary>The same configuration without a host (for the short-lived commands).</summary>
    public static IConfigurationRoot BuildConfiguration(string[]? args = null)
    {
        var environment = Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT") ?? Environment.GetEnvironmentVariable(EnvironmentPrefix + "ENVIRONMENT") ?? Environments.Production;
        var builder = new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddJsonFile($"appsettings.{environment}.json", optional: true)
            .AddEnvironmentVariables()
            .AddEnvironmentVariables(EnvironmentPrefix);
        if (args is { Length: > 0 })
            builder.AddCommandLine(args);
        return builder.Build();
    }
}
