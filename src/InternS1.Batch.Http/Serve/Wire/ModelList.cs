using System.Text.Json.Serialization;

namespace InternS1.Batch.Http.Serve.Wire;

/// <summary>The answer of <c>GET /v1/models</c>: the one model served.</summary>
public sealed record ModelList
{
    [JsonPropertyName("object")]
    public string Object { get; init; } = "list";

    [JsonPropertyName("data")]
    public required IReadOnlyList<ModelCard> Data { get; init; }
}
