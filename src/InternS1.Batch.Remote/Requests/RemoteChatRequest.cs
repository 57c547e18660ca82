using System.Text.Json;
using InternS1.Batch.Contracts.Chat;
using InternS1.Batch.Contracts.Jobs;

namespace InternS1.Batch.Remote.Requests;

/// <summary>
/// One chat request for a remote server, typed and flavor-neutral: the worker builds it from a prepared
/// job (media already fetched and checked, images as <c>data:</c> URLs) and the client turns it into
/// the body each flavor understands. The server renders the messages with its own chat template.
/// </summary>
public sealed record RemoteChatRequest
{
    /// <summary>The conversation, in order.</summary>
    public required IReadOnlyList<RemoteMessage> Messages { get; init; }

    /// <summary>OpenAI function tools offered to the model, sent as <c>tools</c>.</summary>
    public IReadOnlyList<ToolDefinition>? Tools { get; init; }

    /// <summary>Sampling as resolved by the worker; a null field is not sent (the server's default applies).
    /// <c>max_new_tokens</c> becomes <c>max_completion_tokens</c> and/or <c>max_tokens</c> per flavor;
    /// <c>top_k</c> 0 or -1 becomes the flavor's "disabled" value.</summary>
    public SamplingSettings? Sampling { get; init; }

    /// <summary>Thinking on or off; always sent as an explicit bool (Intern-S1's template thinks when
    /// the variable is missing).</summary>
    public required bool EnableThinking { get; init; }

    /// <summary>Extra chat-template variables, merged into <c>chat_template_kwargs</c>
    /// (<c>enable_thinking</c> always comes from <see cref="EnableThinking"/>).</summary>
    public IReadOnlyDictionary<string, JsonElement>? TemplateVariables { get; init; }

    /// <summary>An OpenAI <c>response_format</c> object, passed through unchanged.</summary>
    public JsonElement? ResponseFormat { get; init; }

    /// <summary>A prefix for the server-side request id (the job id): vLLM <c>request_id</c> and SGLang
    /// <c>rid</c> get <c>{RequestId}-{random}</c>, so a retry never collides with an attempt the server
    /// may still be finishing.</summary>
    public string? RequestId { get; init; }
}
