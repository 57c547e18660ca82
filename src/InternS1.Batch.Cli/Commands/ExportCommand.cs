using System.CommandLine;
using InternS1.Batch.Cli.Composition;
using InternS1.Batch.Storage.Export;
using Microsoft.Extensions.DependencyInjection;

namespace InternS1.Batch.Cli.Commands;

/// <summary><c>interns1 export --dataset NAME [--out FILE] [--structured-only]</c>: OpenAI Batch output lines of the
/// finished jobs, or with <c>--structured-only</c> the parsed answers that validated (<c>{"custom_id", "value"}</c>).</summary>
public static class ExportCommand
{
    public static Command Create()
    {
        var dataset = CommonOptions.Dataset(required: true);
        var output = new Option<FileInfo?>("--out", "-o") { Description = "Write to this file instead of standard output" };
        var structuredOnly = new Option<bool>("--structured-only")
        {
            Description = "Write only the parsed JSON answers that validated against their response_format, as {\"custom_id\", \"value\"} lines",
        };
        var command = new Command("export", "Write the dataset's results and dead letters as OpenAI Batch output lines") { dataset, output, structuredOnly };
        command.SetAction(async (parseResult, ct) =>
        {
            await using var services = CliServices.Build();
            var reader = services.GetRequiredService<ExportReader>();
            var name = parseResult.GetValue(dataset)!;
            var file = parseResult.GetValue(output);
            var writer = file is null ? Console.Out : new StreamWriter(file.FullName, append: false);
            var structured = parseResult.GetValue(structuredOnly);
            var count = 0;
            var skipped = 0;
            try
            {
                await foreach (var row in reader.ReadAsync(name, ct))
                {
                    if (!structured)
                        await writer.WriteLineAsync(BatchOutputBuilder.ToJsonLine(BatchOutputBuilder.Build(row)));
                    else if (StructuredValueBuilder.Build(row) is { } value)
                        await writer.WriteLineAsync(StructuredValueBuilder.ToJsonLine(value));
                    else
                    {
                        skipped++;
                        continue;
                    }
                    count++;
                }
                await writer.FlushAsync(ct);
            }
            finally
            {
                if (file is not null)
                    await writer.DisposeAsync();
            }
            var pending = await reader.CountPendingAsync(name, ct);
            Console.Error.WriteLine($"export: {count} line(s){(file is null ? "" : $" to {file.FullName}")}" +
                                    (structured ? $"; {skipped} finished job(s) without a valid structured answer left out" : "") +
                                    (pending > 0 ? $"; {pending} job(s) still pending were not exported" : ""));
            return 0;
        });
        return command;
    }
}
