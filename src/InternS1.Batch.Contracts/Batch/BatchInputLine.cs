using System.Text.Json;
using System.Text.Json.Serialization;

namespace InternS1.Batch.Contracts.Batch;

/// <summary>One line of an OpenAI Batch API input file:
/// <c>{"custom_id", "method":"POST", "url":"/v1/chat/completions", "body":{model, messages, ...}}</c>.
/// <c>interns1 submit</c> accepts these next to native job lines.</summary>
public sealed record BatchInputLine
{
    /// <summary>The only endpoint a line may name.</summary>
    public const string ChatCompletionsUrl = "/v1/chat/completions";

    [JsonPropertyName("custom_id")]
    public required string CustomId { get; init; }

    [JsonPropertyName("method")]
    public string Method { get; init; } = "POST";

    [JsonPropertyName("url")]
    public string Url { get; init; } = ChatCompletionsUrl;

    [JsonPropertyName("body")]
    public required JsonElement Body { get; init; }
}
