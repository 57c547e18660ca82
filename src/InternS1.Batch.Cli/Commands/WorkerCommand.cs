using System.CommandLine;
using InternS1.Batch.Cli.Composition;
using InternS1.Batch.Worker.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace InternS1.Batch.Cli.Commands;

/// <summary><c>interns1 worker [--Section:Key=value ...]</c>: runs the worker until Ctrl+C / SIGTERM; with
/// <c>Serve:Urls</c> set it also serves the OpenAI-compatible endpoint on the same engine.</summary>
public static class WorkerCommand
{
    public static Command Create()
    {
        var command = new Command("worker", "Consume prompt jobs from RabbitMQ, run them, write results to PostgreSQL (until Ctrl+C/SIGTERM)")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        command.SetAction(async (parseResult, ct) =>
        {
            var args = parseResult.UnmatchedTokens.ToArray();
            if (ServeComposition.WorkerServes(InternS1Host.BuildConfiguration(args)))
                return await RunWithServeAsync(args, ct);
            var builder = InternS1Host.CreateApplicationBuilder(args);
            // The engine's hosted service starts first and stops last: the model is loaded before the bus
            // takes messages and the engine drains only after the bus has stopped.
            if (ExecutorComposition.TryAddExecutor(builder.Services, builder.Configuration) is { } refusal)
            {
                Console.Error.WriteLine(refusal);
                return 2;
            }
            builder.Services.AddInternS1Worker(builder.Configuration);
            try
            {
                using var host = builder.Build();
                await host.RunAsync(ct);
                return 0;
            }
            catch (Exception ex) when (ex is WorkerCompositionException or WorkerStartupException or OptionsValidationException or InvalidOperationException)
            {
                Console.Error.WriteLine($"interns1 worker: {ListenerStartFailure.Describe(ex, builder.Configuration) ?? ex.Message}");
                return 2;
            }
        });
        return command;
    }

    /// <summary>The worker and the OpenAI-compatible endpoint in one web host (<c>Serve:Urls</c> is set).</summary>
    private static async Task<int> RunWithServeAsync(string[] args, CancellationToken ct)
    {
        try
        {
            await using var app = ServeComposition.BuildWorker(Http.Hosting.InternS1WebHost.CreateBuilder(args));
            await HostingAbstractionsHostExtensions.RunAsync(app, ct);
            return 0;
        }
        catch (Exception ex) when (ex is WorkerCompositionException or WorkerStartupException or OptionsValidationException or InvalidOperationException or ArgumentException or IOException)
        {
            Console.Error.WriteLine($"interns1 worker: {ListenerStartFailure.Describe(ex, InternS1Host.BuildConfiguration(args)) ?? ex.Message}");
            return 2;
        }
    }
}
