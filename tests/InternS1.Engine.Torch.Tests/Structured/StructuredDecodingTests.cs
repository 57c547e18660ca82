using System.Text;
using System.Text.Json;
using InternS1.Engine.Configuration;
using InternS1.Engine.Core;
using InternS1.Engine.Requests;
using InternS1.Engine.Torch.Tests.Integration;
using InternS1.Text.Parsing;
using Json.Schema;

namespace InternS1.Engine.Torch.Tests.Structured;

/// <summary>
/// Constrained decoding through the real engine (EngineCore + TorchModelRunner on the tiny random-weight model, the
/// real 153,216-id vocabulary): its unconstrained text is noise, so any valid output is the constraint's doing.
/// JsonSchema.Net (format assertion on), not our grammar, judges every output.
/// </summary>
public sealed class StructuredDecodingTests(StructuredModelFixture fx) : IClassFixture<StructuredModelFixture>
{
    private const int JobsPerSchema = 20;
    private static readonly EvaluationOptions Validation = new() { RequireFormatValidation = true, OutputFormat = OutputFormat.List };

    private static EngineOptions Options(int maxNumSeqs = 64, int? kvBlocks = 2048) => new()
    {
        MaxNumSeqs = maxNumSeqs, MaxNumBatchedTokens = 2048, BlockSize = 16, KvCacheBlocks = kvBlocks,
    };

    private EngineRequest Job(string id, int seed, OutputConstraint? constraint, int maxNewTokens, float temperature = 1.0f, bool ignoreEos = false) => new()
    {
        RequestId = id,
        PromptTokenIds = EngineScenario.Prompt(8, seed),
        Sampling = new SamplingParams
        {
            Temperature = temperature, TopK = 50, TopP = 1, Seed = seed, MaxNewTokens = maxNewTokens,
            StopTokenIds = fx.Runner.Info.EosTokenIds, IgnoreEos = ignoreEos,
        },
        Constraint = constraint,
    };

    private static string? Invalid(string schema, string content)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(content); }
        catch (JsonException e) { return $"not JSON ({e.Message})"; }
        using (doc)
        {
            var result = JsonSchema.FromText(schema).Evaluate(doc.RootElement, Validation);
            return result.IsValid ? null : string.Join("; ", (result.Details ?? []).Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}")));
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Twenty_seeded_jobs_of_each_of_twelve_schemas_at_temperature_one_all_parse_and_validate(bool thinking)
    {
        const int budget = 6;
        var jobs = new List<(string Schema, EngineRequest Job)>();
        foreach (var (name, schema) in StructuredSchemas.Bounded)
        {
            var grammar = schema == StructuredSchemas.Tree ? fx.Grammar(schema, StructuredSchemas.TreeDepth) : fx.Grammar(schema);
            var constraint = new OutputConstraint
            {
                Grammar = grammar,
                ReasoningEndTokenId = thinking ? StructuredModelFixture.ThinkEnd : null,
                MaxReasoningTokens = thinking ? budget : null,
            };
            for (var k = 0; k < JobsPerSchema; k++)
                jobs.Add((schema, Job($"{name} #{k}", 1000 * jobs.Count + k, constraint, maxNewTokens: 600)));
        }

        var core = new EngineCore(fx.Runner, fx.Decoder, Options());
        var results = core.RunToCompletion(jobs.Select(j => j.Job));

        var outputs = new Dictionary<string, List<string>>();
        for (var i = 0; i < jobs.Count; i++)
        {
            var (schema, job) = jobs[i];
            var r = results[i];
            Assert.True(r.FinishReason == FinishReason.Stop, $"{job.RequestId}: {r.FinishReason} after {r.OutputTokenIds.Count} tokens: {r.OutputText}");
            Assert.Equal(StructuredModelFixture.ImEnd, r.OutputTokenIds[^1]);
            if (thinking)
            {
                var end = r.OutputTokenIds.ToList().IndexOf(StructuredModelFixture.ThinkEnd);
                Assert.InRange(end, 0, budget - 1);
                Assert.DoesNotContain(StructuredModelFixture.ImEnd, r.OutputTokenIds.Take(end));
            }
            var content = CompletionParser.Parse(r.OutputText, thinking).Content;
            var problem = Invalid(schema, content);
            Assert.True(problem is null, $"{job.RequestId}: {problem}: {content}");
            if (schema == StructuredSchemas.Tree) Assert.True(Depth(JsonDocument.Parse(content).RootElement) <= StructuredSchemas.TreeDepth, content);
            (outputs.TryGetValue(schema, out var list) ? list : outputs[schema] = []).Add(content);
        }
        // the seeds matter: no schema gave the same value twenty times
        Assert.All(outputs, o => Assert.True(o.Value.Distinct().Count() > 1, $"every job of {o.Key} wrote {o.Value[0]}"));
    }

    [Fact]
    public void An_unbounded_string_stays_a_valid_json_prefix_and_ends_with_finish_reason_length()
    {
        const string schema = """{"type":"object","properties":{"text":{"type":"string"}},"required":["text"]}""";
        var grammar = fx.Grammar(schema);
        var core = new EngineCore(fx.Runner, fx.Decoder, Options(maxNumSeqs: 16));
        var results = core.RunToCompletion(Enumerable.Range(0, 16).Select(k => Job($"u{k}", 50 + k, new OutputConstraint { Grammar = grammar }, maxNewTokens: 24)));
        // NOTE: the mask allows tokens that close the string (`"}`, `:"}`, ...) and the random model samples one now
        // and then; such an answer is complete and must validate. The others are cut: a valid prefix, not a value.
        foreach (var r in results)
        {
            Assert.StartsWith("{\"text\": \"", r.OutputText);
            AssertJsonPrefix(Encoding.UTF8.GetBytes(r.OutputText));
            if (r.FinishReason == FinishReason.Stop)
            {
                Assert.True(Invalid(schema, CompletionParser.Parse(r.OutputText, false).Content) is null, r.OutputText);
                continue;
            }
            Assert.Equal((FinishReason.Length, 24), (r.FinishReason, r.OutputTokenIds.Count));
            Assert.ThrowsAny<JsonException>(() => JsonDocument.Parse(r.OutputText));
        }
        Assert.True(results.Count(r => r.FinishReason == FinishReason.Length) >= 2, string.Join(" | ", results.Select(r => $"{r.FinishReason}: {r.OutputText}")));
    }

    [Fact]
    public void Max_new_tokens_too_small_for_the_schema_ends_with_length_and_an_invalid_value()
    {
        const string schema = """{"type":"object","properties":{"label":{"enum":["positive","negative"]},"score":{"type":"integer","minimum":0,"maximum":9}},"required":["label","score"]}""";
        var core = new EngineCore(fx.Runner, fx.Decoder, Options(maxNumSeqs: 4));
        var results = core.RunToCompletion(Enumerable.Range(0, 3).Select(k => Job($"s{k}", 70 + k, new OutputConstraint { Grammar = fx.Grammar(schema) }, maxNewTokens: 3)));
        foreach (var r in results)
        {
            Assert.Equal(FinishReason.Length, r.FinishReason);
            Assert.NotNull(Invalid(schema, r.OutputText));
            AssertJsonPrefix(Encoding.UTF8.GetBytes(r.OutputText));
        }
    }

    [Fact]
    public void Unconstrained_jobs_give_the_same_tokens_with_or_without_constrained_neighbours()
    {
        var grammar = fx.Grammar(StructuredSchemas.Bounded[3].Schema);
        var free = Enumerable.Range(0, 4).Select(k => Job($"free{k}", 90 + k, null, maxNewTokens: 12, ignoreEos: true)).ToArray();
        EngineRequest[] Neighbours(bool constrained) => Enumerable.Range(0, 4)
            .Select(k => Job($"n{k}", 190 + k, constrained ? new OutputConstraint { Grammar = grammar } : null, maxNewTokens: 12, ignoreEos: true)).ToArray();
        var alone = AloneReference.ForAll(fx.Runner, free);

        var withConstrained = new EngineCore(fx.Runner, fx.Decoder, Options(maxNumSeqs: 8)).RunToCompletion([.. free, .. Neighbours(true)]).ToDictionary(r => r.RequestId);
        var withFree = new EngineCore(fx.Runner, fx.Decoder, Options(maxNumSeqs: 8)).RunToCompletion([.. free, .. Neighbours(false)]).ToDictionary(r => r.RequestId);

        foreach (var job in free)
        {
            Assert.Equal(alone[job.RequestId].Tokens, withConstrained[job.RequestId].OutputTokenIds);
            Assert.Equal(withFree[job.RequestId].OutputTokenIds, withConstrained[job.RequestId].OutputTokenIds);
        }
        // the neighbours really were constrained: JSON there, noise without
        for (var k = 0; k < 4; k++)
        {
            Assert.StartsWith("{\"score\": ", withConstrained[$"n{k}"].OutputText);
            Assert.NotEqual(withFree[$"n{k}"].OutputTokenIds, withConstrained[$"n{k}"].OutputTokenIds);
        }
    }

    [Fact]
    public void Preemption_under_a_tiny_kv_budget_gives_the_constrained_outputs_of_a_roomy_run()
    {
        var grammar = fx.Grammar(StructuredSchemas.Bounded[1].Schema);
        var jobs = Enumerable.Range(0, 4).Select(k => Job($"p{k}", 300 + k, new OutputConstraint { Grammar = grammar }, maxNewTokens: 200)).ToArray();
        var roomy = new EngineCore(fx.Runner, fx.Decoder, Options(maxNumSeqs: 4)).RunToCompletion(jobs);
        var options = Options(maxNumSeqs: 4, kvBlocks: 8);
        options.EnablePrefixCaching = false;
        var tight = new EngineCore(fx.Runner, fx.Decoder, options);
        var results = tight.RunToCompletion(jobs);

        Assert.True(tight.Scheduler.NumPreemptions > 0, "nothing was preempted");
        for (var k = 0; k < jobs.Length; k++)
        {
            Assert.Equal(FinishReason.Stop, results[k].FinishReason);
            Assert.Equal(roomy[k].OutputTokenIds, results[k].OutputTokenIds);
            Assert.Null(Invalid(StructuredSchemas.Bounded[1].Schema, results[k].OutputText));
        }
    }

    /// <summary>An independent check that bytes are a prefix of some JSON text: the framework's reader, told more data
    /// may follow, reads them without an error.</summary>
    private static void AssertJsonPrefix(byte[] bytes)
    {
        var reader = new Utf8JsonReader(bytes, isFinalBlock: false, state: default);
        try
        {
            while (reader.Read()) { }
        }
        catch (JsonException e)
        {
            throw new Xunit.Sdk.XunitException($"not a JSON prefix ({e.Message}): {Encoding.UTF8.GetString(bytes)}");
        }
    }

    private static int Depth(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => 1 + e.EnumerateObject().Select(p => Depth(p.Value)).DefaultIfEmpty(0).Max(),
        JsonValueKind.Array => 1 + e.EnumerateArray().Select(Depth).DefaultIfEmpty(0).Max(),
        _ => 0,
    };
}
