using System.Text.Json.Serialization;

namespace InternS1.Batch.Http.Serve.Wire;

/// <summary>One model of <see cref="ModelList"/>: <c>owned_by</c> is <c>interns1</c> (how clients tell this server
/// from vLLM, LMDeploy or SGLang), <c>max_model_len</c> the context in tokens (prompt + output) as vLLM and SGLang
/// report it.</summary>
public sealed record ModelCard
{
    /// <summary>What this server answers to (the model folder's name).</summary>
    public const string Owner = "interns1";

    [JsonPropertyName("id")]
    public required string Id { get; init; }

    [JsonPropertyName("object")]
    public string Object { get; init; } = "model";

    /// <summary>Unix seconds of when the model was loaded.</summary>
    [JsonPropertyName("created")]
    public long Created { get; init; }

    [JsonPropertyName("owned_by")]
    public string OwnedBy { get; init; } = Owner;

    [JsonPropertyName("max_model_len")]
    public int MaxModelLength { get; init; }
}
