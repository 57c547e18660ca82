using System.ComponentModel.DataAnnotations;

namespace InternS1.Batch.Cli.ModelRuntime;

/// <summary>Which model the worker and the <c>model</c> verbs run (configuration section <c>Model</c>).</summary>
public sealed class ModelOptions
{
    public const string SectionName = "Model";

    /// <summary>A Hugging Face model folder (internlm/Intern-S1, -FP8, -mini, or a Qwen3 / Qwen3-MoE folder).
    /// Null or empty: the embedded default tiny model, created on first use in the cache folder.</summary>
    public string? Path { get; set; }

    /// <summary>Compute dtype: <c>bfloat16</c> (default) or <c>float32</c>.</summary>
    [RegularExpression("^(bfloat16|bf16|float32|fp32)$", ErrorMessage = "Model:Dtype must be bfloat16 or float32")]
    public string Dtype { get; set; } = "bfloat16";

    /// <summary>Torch intra-op threads; null = all cores.</summary>
    [Range(1, 1024)]
    public int? Threads { get; set; }
}
