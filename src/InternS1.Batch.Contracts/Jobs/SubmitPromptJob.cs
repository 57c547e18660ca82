using System.Text.Json;
using System.Text.Json.Serialization;
using InternS1.Batch.Contracts.Chat;

namespace InternS1.Batch.Contracts.Jobs;

/// <summary>
/// Command: run one prompt job through Intern-S1. Published to the <c>interns1-jobs</c> queue.
/// The JSON form is stable snake_case (see README, "Job format"); new fields are optional with
/// documented defaults and nothing is ever renamed.
/// </summary>
public sealed record SubmitPromptJob
{
    /// <summary>The idempotency key. A job id is computed at most once; redeliveries and
    /// re-publications of the same id are acknowledged without recomputation.</summary>
    [JsonPropertyName("job_id")]
    public required string JobId { get; init; }

    /// <summary>The dataset (batch) this job belongs to; created on first use.</summary>
    [JsonPropertyName("dataset")]
    public required string Dataset { get; init; }

    /// <summary>The producer's own id, unique within the dataset (OpenAI Batch <c>custom_id</c>).</summary>
    [JsonPropertyName("custom_id")]
    public required string CustomId { get; init; }

    /// <summary>The conversation, in the chat form of the Intern-S1 model card examples.</summary>
    [JsonPropertyName("messages")]
    public required IReadOnlyList<ChatMessage> Messages { get; init; }

    /// <summary>Optional OpenAI function tools offered to the model.</summary>
    [JsonPropertyName("tools")]
    public IReadOnlyList<ToolDefinition>? Tools { get; init; }

    /// <summary>Sampling settings; omitted fields take Intern-S1's recommended values.</summary>
    [JsonPropertyName("sampling")]
    public SamplingSettings? Sampling { get; init; }

    /// <summary>The shape of the answer: <c>text</c> (default), <c>json_object</c> or <c>json_schema</c> (OpenAI's
    /// <c>response_format</c>).</summary>
    [JsonPropertyName("response_format")]
    public ResponseFormat? ResponseFormat { get; init; }

    /// <summary>Thinking mode (<c>&lt;think&gt;</c>): on by default, as in the model.</summary>
    [JsonPropertyName("enable_thinking")]
    public bool EnableThinking { get; init; } = true;

    /// <summary>Higher runs first when the engine has to choose. Default 0.</summary>
    [JsonPropertyName("priority")]
    public int Priority { get; init; }

    /// <summary>When set, a job still running at this instant ends with finish_reason "deadline";
    /// a job not started by then is recorded as expired.</summary>
    [JsonPropertyName("deadline")]
    public DateTimeOffset? Deadline { get; init; }

    /// <summary>Extra variables passed to the chat template (like transformers'
    /// <c>apply_chat_template(**kwargs)</c>).</summary>
    [JsonPropertyName("chat_template_kwargs")]
    public IReadOnlyDictionary<string, JsonElement>? ChatTemplateKwargs { get; init; }

    /// <summary>Free producer metadata, stored with the job and returned on export.</summary>
    [JsonPropertyName("metadata")]
    public IReadOnlyDictionary<string, JsonElement>? Metadata { get; init; }
}
