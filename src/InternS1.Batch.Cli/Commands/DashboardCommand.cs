using System.CommandLine;
using InternS1.Batch.Http.Dashboard;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace InternS1.Batch.Cli.Commands;

/// <summary><c>interns1 dashboard [--urls http://127.0.0.1:8080] [--Section:Key=value ...]</c>: the read-only
/// operations page (<see cref="DashboardHost"/>) until Ctrl+C / SIGTERM.</summary>
public static class DashboardCommand
{
    public static Command Create()
    {
        var urls = new Option<string>("--urls") { Description = $"Where to listen (default {DashboardHost.DefaultUrls}; several separated by ';')" };
        var command = new Command("dashboard", "Serve the read-only dashboard page (progress, rate, ETA, throughput, tokens, latency, failures, export)")
        {
            urls,
        };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (parseResult, ct) =>
        {
            var args = parseResult.UnmatchedTokens.ToList();
            if (parseResult.GetValue(urls) is { } u)
                args.Add($"--urls={u}");
            try
            {
                await using var app = DashboardHost.Build([.. args]);
                await app.StartAsync(ct);
                Console.Error.WriteLine($"interns1 dashboard: listening on {string.Join(", ", app.Urls)}");
                await app.WaitForShutdownAsync(ct);
                return 0;
            }
            catch (Exception ex) when (ex is DashboardConfigurationException or OptionsValidationException or Npgsql.NpgsqlException)
            {
                Console.Error.WriteLine($"interns1 dashboard: {ex.Message}");
                return 2;
            }
        });
        return command;
    }
}
