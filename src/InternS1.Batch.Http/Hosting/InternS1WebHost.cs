using InternS1.Batch.Worker.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace InternS1.Batch.Http.Hosting;

/// <summary>
/// The web host of the HTTP surface: an ASP.NET Core <see cref="WebApplicationBuilder"/> with the same configuration
/// sources as every <c>interns1</c> command (<see cref="InternS1Host"/>: <c>appsettings.json</c> next to the
/// executable, environment variables, <c>INTERNS1_</c>-prefixed ones, <c>--Section:Key=value</c> arguments; later
/// wins), and Kestrel bound to the URLs asked for.
/// </summary>
public static class InternS1WebHost
{
    /// <summary>A web application builder over <paramref name="args"/> (the <c>--Section:Key=value</c> pairs).</summary>
    public static WebApplicationBuilder CreateBuilder(string[] args)
    {
        var environment = Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT")
            ?? Environment.GetEnvironmentVariable(InternS1Host.EnvironmentPrefix + "ENVIRONMENT") ?? Environments.Production;
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = environment,
        });
        builder.Configuration.AddEnvironmentVariables(InternS1Host.EnvironmentPrefix);
        // NOTE: added again so that arguments still win over the INTERNS1_ variables, as in InternS1Host.
        if (args.Length > 0)
            builder.Configuration.AddCommandLine(args);
        return builder;
    }

    /// <summary>Binds Kestrel to <paramref name="urls"/> (<see cref="HttpUrls.Parse"/>; <paramref name="key"/> names
    /// the setting in errors).</summary>
    /// <exception cref="ArgumentException">A URL is not an absolute http or https URL.</exception>
    public static void Listen(WebApplicationBuilder builder, string urls, string key)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.WebHost.UseUrls(HttpUrls.Parse(urls, key));
    }
}
