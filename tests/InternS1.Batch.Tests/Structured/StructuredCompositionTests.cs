using System.Text.Json;
using InternS1.Batch.Contracts.Chat;
using InternS1.Batch.Contracts.Jobs;
using InternS1.Batch.Tests.Infrastructure;
using InternS1.Batch.Worker.Execution;
using InternS1.Batch.Worker.Hosting;
using InternS1.Batch.Worker.Options;
using InternS1.Batch.Worker.Preparation;
using InternS1.Engine.Execution;
using InternS1.Text.Structured;
using InternS1.Text.Tokenization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace InternS1.Batch.Tests.Structured;

/// <summary>The <c>StructuredOutput</c> options as AddInternS1Engine binds them (with an instant test runner on a folder
/// of real prompt files), and what the composed preparation does with a structured job.</summary>
public class StructuredCompositionTests
{
    private static readonly InternS1Tokenizer Tokenizer = InternS1Tokenizer.Load(TinyPromptFolder.Directory);
    private static readonly int Eos = Tokenizer.TokenToId("<|im_end|>")!.Value;

    private static async Task<IHost> StartAsync(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        var values = new Dictionary<string, string?> { ["Engine:MaxNumSeqs"] = "4", ["Engine:KvCacheBlocks"] = "64" };
        foreach (var (k, v) in settings) values[k] = v;
        builder.Configuration.AddInMemoryCollection(values);
        builder.Services.AddOptions<WorkerOptions>().BindConfiguration(WorkerOptions.SectionName);
        builder.Services.AddInternS1Engine(builder.Configuration, _ => new Factory(new InstantRunner(Tokenizer.Encode("Hello world"), Eos)));
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    private static SubmitPromptJob Job(string schema, int maxNewTokens = 16) => new()
    {
        JobId = "s", Dataset = "d", CustomId = "s", EnableThinking = false,
        Messages = [new ChatMessage { Role = "user", Content = "Label it." }],
        Sampling = new SamplingSettings { MaxNewTokens = maxNewTokens, Seed = 1 },
        ResponseFormat = new ResponseFormat { Type = ResponseFormat.JsonSchemaType, JsonSchema = new JsonSchemaFormat { Schema = JsonDocument.Parse(schema).RootElement.Clone() } },
    };

    [Fact]
    public async Task The_options_are_bound_from_the_structured_output_section_and_shape_the_grammar()
    {
        using var host = await StartAsync(new()
        {
            ["StructuredOutput:Whitespace"] = "Compact", ["StructuredOutput:MaxNestingDepth"] = "3", ["StructuredOutput:MaxGrammarNodes"] = "5000",
            ["StructuredOutput:GrammarCacheCapacity"] = "1", ["StructuredOutput:PrecomputeMasks"] = "false",
        });
        var options = host.Services.GetRequiredService<IOptions<StructuredOutputOptions>>().Value;
        Assert.Equal((JsonWhitespace.Compact, 3, 5000, 1, false), (options.Whitespace, options.MaxNestingDepth, options.MaxGrammarNodes, options.GrammarCacheCapacity, options.PrecomputeMasks));

        var compiler = host.Services.GetRequiredService<StructuredOutputs>().Compiler;
        var matcher = compiler.CompileJsonSchema(JsonDocument.Parse("""{"type":"object","properties":{"a":{"type":"boolean"}}}""").RootElement).CreateMatcher();
        Assert.True(matcher.CanRead("{\"a\":true}"u8));
        Assert.False(matcher.CanRead("{\"a\": true}"u8));
        compiler.CompileJsonSchema(JsonDocument.Parse("""{"type":"integer"}""").RootElement);
        Assert.Equal(1, compiler.CachedGrammars);
        Assert.Equal(Tokenizer.TokenToId("</think>"), host.Services.GetRequiredService<StructuredOutputs>().ThinkEndTokenId);
        // every value of this schema nests four arrays (minItems 1 at each level); three are allowed
        var executor = host.Services.GetRequiredService<IPromptJobExecutor>();
        var deep = Assert.IsType<JobOutcome.Rejected>(await executor.ExecuteAsync(Job("""{"type":"array","minItems":1,"items":{"type":"array","minItems":1,"items":{"type":"array","minItems":1,"items":{"type":"array","minItems":1,"items":{"type":"null"}}}}}"""), default));
        Assert.Equal("invalid_field", deep.ReasonCode);
        Assert.Contains("MaxNestingDepth (3)", deep.Message);
        await host.StopAsync();
    }

    [Fact]
    public async Task An_invalid_structured_output_setting_stops_the_host_from_starting()
    {
        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(new() { ["StructuredOutput:MaxNestingDepth"] = "0" }));
        Assert.Contains("MaxNestingDepth", e.Message);
    }

    [Fact]
    public async Task A_schema_whose_grammar_is_too_large_or_empty_is_rejected_at_preparation_naming_it()
    {
        using var host = await StartAsync(new() { ["StructuredOutput:MaxGrammarNodes"] = "100" });
        var executor = host.Services.GetRequiredService<IPromptJobExecutor>();
        var large = Assert.IsType<JobOutcome.Rejected>(await executor.ExecuteAsync(Job("""{"type":"array","items":{"type":"boolean"},"maxItems":400}"""), default));
        Assert.Equal(("invalid_field", true), (large.ReasonCode, large.Message.StartsWith("response_format.json_schema.schema: the schema is too large", StringComparison.Ordinal)));
        var empty = Assert.IsType<JobOutcome.Rejected>(await executor.ExecuteAsync(Job("""{"type":"object","properties":{"n":{"type":"integer","minimum":5,"maximum":1}},"required":["n"]}"""), default));
        Assert.Equal("invalid_field", empty.ReasonCode);
        Assert.StartsWith("response_format.json_schema.schema/properties/n", empty.Message);
        var budget = Assert.IsType<JobOutcome.Rejected>(await executor.ExecuteAsync(Job("""{"type":"boolean"}""") with
        {
            EnableThinking = true, Sampling = new SamplingSettings { MaxReasoningTokens = 4096 },
        }, default));
        Assert.Equal(("invalid_sampling", "sampling.max_reasoning_tokens: 4096 must be below max_new_tokens (4096), or the answer gets no tokens"), (budget.ReasonCode, budget.Message));
        await host.StopAsync();
    }

    [Fact]
    public async Task A_runner_that_ignores_the_token_masks_makes_the_job_fail_as_a_transient_engine_error()
    {
        using var host = await StartAsync(new());
        var executor = host.Services.GetRequiredService<IPromptJobExecutor>();
        var e = await Assert.ThrowsAsync<TransientJobException>(() => executor.ExecuteAsync(Job("""{"type":"boolean"}"""), default));
        Assert.Contains("which the output constraint did not allow", e.Message);
        await host.StopAsync();
    }

    private sealed class Factory(IModelRunner runner) : IModelRunnerFactory
    {
        public Task<string> ResolveModelDirectoryAsync(CancellationToken cancellationToken) => Task.FromResult(TinyPromptFolder.Directory);

        public IModelRunner Load(string modelDirectory) => runner;
    }
}
