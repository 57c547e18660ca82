using System.ComponentModel.DataAnnotations;

namespace InternS1.Batch.Cli.ModelRuntime;

/// <summary>Which model the worker and the <c>model</c> verbs run, and how (configuration section <c>Model</c>).</summary>
public sealed class ModelOptions
{
    public const string SectionName = "Model";

    /// <summary>A Hugging Face model folder (internlm/Intern-S1, -FP8, -mini, or a Qwen3 / Qwen3-MoE folder).
    /// Null or empty: the embedded default tiny model, created on first use in the cache folder.</summary>
    public string? Path { get; set; }

    /// <summary>Compute dtype: <c>auto</c> (default; resolved once at load and logged with its reason: bfloat16 on
    /// CUDA and on CPUs with AVX512_BF16 or AMX, float32 on other CPUs, weights converted at load), <c>bfloat16</c>
    /// or <c>float32</c>.</summary>
    [RegularExpression("^(auto|bfloat16|bf16|float32|fp32)$", ErrorMessage = "Model:Dtype must be auto, bfloat16 or float32")]
    public string Dtype { get; set; } = "auto";

    /// <summary>Where the model's tensors live: <c>auto</c> (default: CUDA when libtorch reports it, else the CPU),
    /// <c>cpu</c>, <c>cuda</c> or <c>cuda:N</c>.</summary>
    [RegularExpression("^(auto|cpu|cuda|cuda:[0-9]+)$", ErrorMessage = "Model:Device must be auto, cpu, cuda or cuda:N")]
    public string Device { get; set; } = "auto";

    /// <summary>Torch intra-op threads; null = all cores.</summary>
    [Range(1, 1024)]
    public int? Threads { get; set; }

    /// <summary>On glibc, before the model loads: keep freed memory for reuse (mallopt M_MMAP_MAX=0,
    /// M_TRIM_THRESHOLD=2 GiB) instead of mapping and faulting in every large temporary again (default true;
    /// a no-op elsewhere). False keeps glibc's defaults and any MALLOC_* environment variables.</summary>
    public bool KeepFreedMemory { get; set; } = true;
}
