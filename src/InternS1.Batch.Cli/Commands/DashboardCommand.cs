using System.CommandLine;
using InternS1.Batch.Http.Dashboard;

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
            return await DashboardHost.RunAsync([.. args], ct);
        });
        return command;
    }
}
