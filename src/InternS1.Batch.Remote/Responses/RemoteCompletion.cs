using InternS1.Batch.Contracts.Chat;
using InternS1.Batch.Remote.Options;

namespace InternS1.Batch.Remote.Responses;

/// <summary>
/// A finished generation as the server streamed it, with what was and was not reported, so the worker can
/// store it faithfully: reasoning from <c>reasoning</c>, else <c>reasoning_content</c> (else still inside
/// <see cref="Content"/>: see <see cref="ReasoningSource.None"/>), tool calls assembled from their deltas,
/// usage counts that are null when not reported.
/// </summary>
public sealed record RemoteCompletion
{
    /// <summary>The answer text (concatenated <c>delta.content</c>).</summary>
    public required string Content { get; init; }

    /// <summary>The reasoning text from a reasoning field, or null when none was streamed.</summary>
    public string? Reasoning { get; init; }

    public ReasoningSource ReasoningSource { get; init; }

    /// <summary>Tool calls from <c>delta.tool_calls</c>, in index order (empty when the server sent none;
    /// the raw action text, if any, is then in <see cref="Content"/>).</summary>
    public IReadOnlyList<ToolCall> ToolCalls { get; init; } = [];

    /// <summary><c>stop</c>, <c>length</c> or <c>tool_calls</c> (<c>function_call</c> maps to <c>tool_calls</c>;
    /// other values such as vLLM's <c>repetition</c> or SGLang's <c>content_filter</c> map to <c>stop</c>, see
    /// <see cref="RawFinishReason"/>). <c>abort</c> and <c>error</c> never get here: they are transient faults.</summary>
    public required string FinishReason { get; init; }

    /// <summary>The <c>finish_reason</c> exactly as the server sent it.</summary>
    public required string RawFinishReason { get; init; }

    public required RemoteUsage Usage { get; init; }

    /// <summary>The response fields the server actually sent, as JSON paths (<c>usage.prompt_tokens</c>,
    /// <c>usage.prompt_tokens_details.cached_tokens</c>, <c>usage.completion_tokens_details.reasoning_tokens</c>,
    /// <c>usage.reasoning_tokens</c>, <c>delta.reasoning</c>, <c>delta.reasoning_content</c>, <c>delta.tool_calls</c>), sorted.</summary>
    public required IReadOnlyList<string> ReportedFields { get; init; }

    /// <summary>Request settings this flavor has no field for and that were therefore not sent
    /// (e.g. <c>top_k</c> and <c>min_p</c> for Ollama), sorted.</summary>
    public IReadOnlyList<string> FieldsNotSent { get; init; } = [];

    /// <summary>Whether thinking was requested.</summary>
    public bool ThinkingRequested { get; init; }

    /// <summary>True when the response shows thinking although it was requested off (a reasoning field, or
    /// <c>&lt;/think&gt;</c> in the content): the server did not obey; store it and flag it.</summary>
    public bool ThinkingIgnored =>
        !ThinkingRequested && (!string.IsNullOrEmpty(Reasoning) || Content.Contains("</think>", StringComparison.Ordinal));

    /// <summary>The endpoint label (<c>host:port</c>) that produced it.</summary>
    public required string Endpoint { get; init; }

    public required RemoteFlavor Flavor { get; init; }

    /// <summary>The model name the request was sent with.</summary>
    public required string Model { get; init; }

    /// <summary>Attempts made (1 + retries after transient faults).</summary>
    public int Attempts { get; init; } = 1;

    /// <summary>From sending the successful attempt to its first streamed event.</summary>
    public TimeSpan TimeToFirstEvent { get; init; }

    /// <summary>From sending the successful attempt to the end of its stream.</summary>
    public TimeSpan Duration { get; init; }
}
