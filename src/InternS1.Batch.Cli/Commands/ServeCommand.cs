using System.CommandLine;
using InternS1.Batch.Cli.Composition;
using InternS1.Batch.Http.Hosting;
using InternS1.Batch.Worker.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace InternS1.Batch.Cli.Commands;

/// <summary><c>interns1 serve [--urls URL] [--Section:Key=value ...]</c>: the OpenAI-compatible endpoint on the local
/// engine (the worker's model configuration) until Ctrl+C / SIGTERM; interactive requests are written to PostgreSQL.</summary>
public static class ServeCommand
{
    public static Command Create()
    {
        var urls = new Option<string?>("--urls")
        {
            Description = "Where to listen, ';'-separated (default Serve:Urls, else http://127.0.0.1:8000; http://0.0.0.0:8000 for every interface)",
        };
        var command = new Command("serve", "Serve the OpenAI-compatible /v1/chat/completions endpoint on the local engine (until Ctrl+C/SIGTERM)")
        {
            urls,
        };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (parse, ct) =>
        {
            var builder = InternS1WebHost.CreateBuilder(parse.UnmatchedTokens.ToArray());
            if (parse.GetValue(urls) is { } given)
                builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { [ServeComposition.UrlsKey] = given });
            try
            {
                await using var app = ServeComposition.BuildServe(builder);
                await Microsoft.Extensions.Hosting.HostingAbstractionsHostExtensions.RunAsync(app, ct);
                return 0;
            }
            catch (Exception ex) when (ex is WorkerCompositionException or OptionsValidationException or InvalidOperationException or ArgumentException or IOException)
            {
                Console.Error.WriteLine($"interns1 serve: {ex.Message}");
                return 2;
            }
        });
        return command;
    }
}
