using System.Text.Json;
using System.Text.Json.Serialization;

namespace InternS1.Engine.Torch.Checkpoints;

/// <summary>
/// Top-level config.json of an Intern-S1 checkpoint (transformers' <c>InternS1Config</c>,
/// model_type <c>interns1</c> / <c>intern_s1</c>). A plain Qwen3 / Qwen3-MoE config loads too,
/// as a text-only model (<see cref="VisionConfig"/> null).
/// </summary>
public sealed record InternS1Config
{
    public IReadOnlyList<string>? Architectures { get; init; }
    public string? ModelType { get; init; }
    public required TextConfig TextConfig { get; init; }
    public VisionConfig? VisionConfig { get; init; }

    /// <summary>The <c>&lt;IMG_CONTEXT&gt;</c> id (152957 in the released checkpoints).</summary>
    public int ImageTokenId { get; init; } = 152957;

    /// <summary>Image-context tokens per tile (256).</summary>
    public int ImageSeqLength { get; init; } = 256;

    public double DownsampleRatio { get; init; } = 0.5;
    public string ProjectorHiddenAct { get; init; } = "gelu";
    public int VisionFeatureLayer { get; init; } = -1;
    public string VisionFeatureSelectStrategy { get; init; } = "default";
    public bool? TieWordEmbeddings { get; init; }
    public string? TorchDtype { get; init; }
    public QuantizationConfig? QuantizationConfig { get; init; }

    /// <summary>The quantisation settings wherever the file puts them (top level or text_config).</summary>
    [JsonIgnore]
    public QuantizationConfig? Quantization => QuantizationConfig ?? TextConfig.QuantizationConfig;

    /// <summary>snake_case options used for every checkpoint JSON file.</summary>
    public static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Reads <c>DIR/config.json</c>; errors name the file and the key.</summary>
    public static InternS1Config Load(string modelDirectory)
    {
        var path = Path.Combine(modelDirectory, "config.json");
        if (!File.Exists(path))
            throw new ModelConfigException($"{path} not found: is '{modelDirectory}' a Hugging Face model folder?");
        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>Parses config.json text. A top-level <c>qwen3</c>/<c>qwen3_moe</c> config becomes a text-only model.</summary>
    public static InternS1Config Parse(string json, string source = "config.json")
    {
        InternS1Config config;
        try
        {
            using var doc = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            var root = doc.RootElement;
            if (root.TryGetProperty("text_config", out _))
            {
                config = root.Deserialize<InternS1Config>(JsonOptions)!;
            }
            else
            {
                var text = root.Deserialize<TextConfig>(JsonOptions)!;
                config = new InternS1Config
                {
                    Architectures = root.TryGetProperty("architectures", out var a) ? a.Deserialize<List<string>>() : null,
                    ModelType = text.ModelType,
                    TextConfig = text,
                    TieWordEmbeddings = text.TieWordEmbeddings,
                };
            }
        }
        catch (JsonException e)
        {
            throw new ModelConfigException($"{source}: {e.Message}", e);
        }
        config.Validate();
        return config;
    }

    /// <summary>Whether lm_head shares the embedding (top-level flag wins over text_config's).</summary>
    [JsonIgnore]
    public bool TiedEmbeddings => TieWordEmbeddings ?? TextConfig.TieWordEmbeddings;

    public void Validate()
    {
        TextConfig.Validate();
        VisionConfig?.Validate();
        if (VisionConfig is not null)
        {
            if (DownsampleRatio <= 0 || DownsampleRatio > 1)
                throw new ModelConfigException($"downsample_ratio ({DownsampleRatio}) must be in (0, 1]");
            var side = VisionConfig.PatchesPerSide * DownsampleRatio;
            if (Math.Abs(side * side - ImageSeqLength) > 1e-9)
                throw new ModelConfigException($"image_seq_length ({ImageSeqLength}) must equal ((image_size/patch_size) x downsample_ratio)^2 = {side * side}");
            if (ImageTokenId < 0 || ImageTokenId >= TextConfig.VocabSize)
                throw new ModelConfigException($"image_token_id ({ImageTokenId}) must be < text_config.vocab_size ({TextConfig.VocabSize})");
            if (ProjectorHiddenAct != "gelu")
                throw new ModelConfigException($"projector_hidden_act '{ProjectorHiddenAct}' is not supported (Intern-S1 uses 'gelu')");
        }
    }
}
