using System.Text.Json;
using System.Text.Json.Serialization;

namespace InternS1.Engine.Torch.Checkpoints;

/// <summary>
/// <c>generation_config.json</c> of a model folder (transformers' <c>GenerationConfig</c> subset):
/// Intern-S1 ships <c>{"bos_token_id":151643,"eos_token_id":151645}</c>; other models may add
/// sampling defaults (e.g. Qwen3: temperature 0.6, top_p 0.95, top_k 20).
/// </summary>
public sealed record GenerationConfig
{
    public const string FileName = "generation_config.json";

    public int? BosTokenId { get; init; }

    [JsonConverter(typeof(IntOrIntListConverter))]
    public IReadOnlyList<int>? EosTokenId { get; init; }

    public int? PadTokenId { get; init; }
    public bool? DoSample { get; init; }
    public float? Temperature { get; init; }
    public float? TopP { get; init; }
    public int? TopK { get; init; }
    public float? MinP { get; init; }
    public int? MaxNewTokens { get; init; }

    /// <summary>Reads <c>DIR/generation_config.json</c>; null when the file does not exist.</summary>
    public static GenerationConfig? Load(string modelDirectory)
    {
        var path = Path.Combine(modelDirectory, FileName);
        if (!File.Exists(path)) return null;
        try
        {
            return JsonSerializer.Deserialize<GenerationConfig>(File.ReadAllText(path), InternS1Config.JsonOptions)
                ?? throw new ModelConfigException($"{path}: empty");
        }
        catch (JsonException e)
        {
            throw new ModelConfigException($"{path}: {e.Message}", e);
        }
    }
}
