using InternS1.Batch.Storage.Dashboard;
using InternS1.Batch.Storage.Export;
using InternS1.Batch.Worker.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace InternS1.Batch.Http.Dashboard;

/// <summary>
/// <c>interns1 dashboard</c>: a read-only web page over the dashboard views, on ASP.NET Core minimal APIs with
/// server-rendered HTML and SVG (no script, nothing from a CDN). GET only: <c>/</c> (every dataset),
/// <c>/datasets/{name}</c> (throughput chart, tokens, latency, failures, latest dead letters),
/// <c>/datasets/{name}/export.jsonl</c> (the <c>interns1 export</c> lines, streamed from the <c>job_outputs</c>
/// view) and <c>/healthz</c>. It connects with <c>ConnectionStrings:Dashboard</c>, which must be a read-only login
/// (<see cref="ReadOnlyLoginCheck"/>), and every session is read-only too.
/// </summary>
public static class DashboardHost
{
    /// <summary>Where it listens unless <c>--urls</c> (or <c>ASPNETCORE_URLS</c>) says otherwise: loopback only.</summary>
    public const string DefaultUrls = "http://127.0.0.1:8080";

    /// <summary>Builds the web application from the project's configuration sources plus <paramref name="args"/>
    /// (<c>--urls URL</c>, <c>--Section:Key=value</c>). Throws <see cref="DashboardConfigurationException"/> when
    /// the connection string is missing.</summary>
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT") ?? Environment.GetEnvironmentVariable(InternS1Host.EnvironmentPrefix + "ENVIRONMENT") ?? "Production",
        });
        builder.Configuration.AddEnvironmentVariables(InternS1Host.EnvironmentPrefix);
        if (args.Length > 0)
            builder.Configuration.AddCommandLine(args);
        if (string.IsNullOrWhiteSpace(builder.Configuration[WebHostDefaults.ServerUrlsKey]))
            builder.WebHost.UseUrls(DefaultUrls);

        builder.Services.AddOptions<DashboardOptions>().BindConfiguration(DashboardOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        var connectionString = builder.Configuration.GetConnectionString(DashboardOptions.ConnectionStringName);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new DashboardConfigurationException(
                $"ConnectionStrings:{DashboardOptions.ConnectionStringName} is not set (environment: ConnectionStrings__{DashboardOptions.ConnectionStringName}). " +
                "Give the dashboard a read-only login, e.g. as the database owner: CREATE ROLE dashboard LOGIN PASSWORD '...' IN ROLE interns1_dashboard; " +
                "then ConnectionStrings__Dashboard='Host=...;Database=interns1;Username=dashboard;Password=...'.");
        }
        builder.Services.AddSingleton(_ => DashboardDatabase.Open(connectionString));
        builder.Services.AddSingleton(sp => sp.GetRequiredService<DashboardDatabase>().Reader);
        builder.Services.AddSingleton(sp => sp.GetRequiredService<DashboardDatabase>().Export);
        builder.Services.AddHostedService<ReadOnlyLoginCheck>();

        var app = builder.Build();
        Map(app);
        return app;
    }

    /// <summary>Builds and runs the dashboard until <paramref name="ct"/> fires (Ctrl+C, SIGTERM). Returns 0, or 2 after
    /// printing why it cannot run (configuration, a login that can write, the database unreachable).</summary>
    public static async Task<int> RunAsync(string[] args, CancellationToken ct)
    {
        try
        {
            await using var app = Build(args);
            await app.StartAsync(ct).ConfigureAwait(false);
            Console.Error.WriteLine($"interns1 dashboard: listening on {string.Join(", ", app.Urls)}");
            await app.WaitForShutdownAsync(ct).ConfigureAwait(false);
            return 0;
        }
        catch (Exception ex) when (ex is DashboardConfigurationException or OptionsValidationException or System.Data.Common.DbException)
        {
            Console.Error.WriteLine($"interns1 dashboard: {ex.Message}");
            return 2;
        }
    }

    private static void Map(WebApplication app)
    {
        app.MapGet("/healthz", () => Results.Text("ok"));
        app.MapGet("/", async (DashboardReader reader, IOptions<DashboardOptions> options, CancellationToken ct)
            => Results.Content(DashboardPages.Overview(await reader.OverviewAsync(ct), options.Value), "text/html; charset=utf-8"));
        app.MapGet("/datasets/{name}", async (string name, DashboardReader reader, IOptions<DashboardOptions> options, CancellationToken ct) =>
        {
            if (await reader.DatasetAsync(name, ct) is not { } dataset)
                return Results.NotFound($"dataset '{name}' does not exist");
            var o = options.Value;
            return Results.Content(DashboardPages.Dataset(dataset,
                await reader.ThroughputAsync(name, o.ThroughputWindow, ct), await reader.TokensAsync(name, ct), await reader.LatencyAsync(name, ct),
                await reader.FailuresAsync(name, ct), await reader.RecentDeadLettersAsync(name, o.DeadLetterRows, ct), o), "text/html; charset=utf-8");
        });
        app.MapGet("/datasets/{name}/export.jsonl", async (string name, HttpContext http, DashboardReader reader, ExportViewReader export, CancellationToken ct) =>
        {
            if (await reader.DatasetAsync(name, ct) is null)
            {
                http.Response.StatusCode = StatusCodes.Status404NotFound;
                await http.Response.WriteAsync($"dataset '{name}' does not exist", ct);
                return;
            }
            http.Response.ContentType = "application/x-ndjson; charset=utf-8";
            var file = new string(name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_').ToArray());
            http.Response.Headers.ContentDisposition = $"attachment; filename=\"{file}.jsonl\"";
            await foreach (var row in export.ReadAsync(name, ct))
                await http.Response.WriteAsync(BatchOutputBuilder.ToJsonLine(BatchOutputBuilder.Build(row)) + "\n", ct);
        });
    }
}
