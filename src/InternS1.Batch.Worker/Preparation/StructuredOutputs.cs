using InternS1.Batch.Contracts.Failures;
using InternS1.Batch.Contracts.Jobs;
using InternS1.Engine.Execution;
using InternS1.Engine.Requests;
using InternS1.Text.Structured;

namespace InternS1.Batch.Worker.Preparation;

/// <summary>
/// Structured output at job preparation (off the engine thread): the model's vocabulary as grammars see it (built on
/// the first structured job: every token's bytes, the model's eos ids as end-of-turn ids), one
/// <see cref="StructuredOutputCompiler"/> that caches grammars by schema hash, and the engine constraint of a job
/// (<see cref="For"/>): the grammar of its <c>response_format</c> and, with thinking on, where the reasoning ends and
/// its budget (<c>sampling.max_reasoning_tokens</c>; by default half of max_new_tokens when a structured format is set).
/// Thread-safe.
/// </summary>
public sealed class StructuredOutputs
{
    /// <summary>Where schema errors point: the job's field.</summary>
    public const string SchemaPointer = "response_format.json_schema.schema";

    private readonly Lazy<StructuredOutputCompiler> _compiler;

    public StructuredOutputs(ModelPromptAssets assets, ModelRunnerInfo model, StructuredOutputOptions options)
    {
        ArgumentNullException.ThrowIfNull(assets);
        ArgumentNullException.ThrowIfNull(model);
        ThinkEndTokenId = assets.ThinkEndTokenId;
        _compiler = new Lazy<StructuredOutputCompiler>(() =>
        {
            if (model.EosTokenIds.Count == 0)
                throw new InvalidOperationException($"the model {model.ModelName} has no eos id (generation_config.json), so a structured answer could never end");
            return new StructuredOutputCompiler(TokenVocabulary.FromTokenizer(assets.Tokenizer, model.VocabSize, model.EosTokenIds), options);
        }, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The <c>&lt;/think&gt;</c> id: the reasoning ends there and the value starts.</summary>
    public int ThinkEndTokenId { get; }

    /// <summary>The compiler (and vocabulary), created on first use.</summary>
    public StructuredOutputCompiler Compiler => _compiler.Value;

    /// <summary>The constraint of <paramref name="job"/> under <paramref name="sampling"/> (its resolved values), or null
    /// when nothing constrains it (free text without a reasoning budget).</summary>
    /// <exception cref="JobPreparationException">The schema cannot be compiled (<c>invalid_field</c>, naming the keyword),
    /// or the reasoning budget leaves no room for the answer (<c>invalid_sampling</c>).</exception>
    public OutputConstraint? For(SubmitPromptJob job, SamplingParams sampling)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(sampling);
        var grammar = job.ResponseFormat is { IsStructured: true } format ? Compile(format) : null;
        int? budget = null;
        if (job.EnableThinking)
        {
            if (job.Sampling?.MaxReasoningTokens is { } given)
            {
                if (given >= sampling.MaxNewTokens)
                    throw new JobPreparationException(FailureReasons.InvalidSampling,
                        $"sampling.max_reasoning_tokens: {given} must be below max_new_tokens ({sampling.MaxNewTokens}), or the answer gets no tokens");
                budget = given;
            }
            else if (grammar is not null) budget = Math.Max(1, sampling.MaxNewTokens / 2);
        }
        if (grammar is null && budget is null) return null;
        return new OutputConstraint
        {
            Grammar = grammar,
            ReasoningEndTokenId = job.EnableThinking ? ThinkEndTokenId : null,
            MaxReasoningTokens = budget,
        };
    }

    private StructuredGrammar Compile(ResponseFormat format)
    {
        try
        {
            return format.Type == ResponseFormat.JsonObjectType
                ? Compiler.CompileJsonObject()
                : Compiler.CompileJsonSchema(format.JsonSchema?.Schema ?? throw new JobPreparationException(FailureReasons.InvalidField,
                    "response_format.json_schema.schema: is missing"), SchemaPointer);
        }
        catch (StructuredSchemaException e)
        {
            throw new JobPreparationException(FailureReasons.InvalidField, e.Message, e);
        }
    }
}
