using System.CommandLine;
using InternS1.Batch.Cli.Composition;
using InternS1.Batch.Worker.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace InternS1.Batch.Cli.Commands;

/// <summary><c>interns1 worker [--Section:Key=value ...]</c>: runs the worker until Ctrl+C / SIGTERM.</summary>
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
                Console.Error.WriteLine($"interns1 worker: {ex.Message}");
                return 2;
            }
        });
        return command;
    }
}
