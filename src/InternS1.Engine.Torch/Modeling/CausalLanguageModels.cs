using InternS1.Engine.Torch.Checkpoints;
using static TorchSharp.torch;

namespace InternS1.Engine.Torch.Modeling;

/// <summary>Chooses the module tree for a config: Intern-S1 layout (<c>model.language_model.*</c>)
/// for an Intern-S1 config, plain Qwen3 layout (<c>model.*</c>) for a top-level qwen3 / qwen3_moe config.</summary>
public static class CausalLanguageModels
{
    /// <summary>True when config.json is a plain Qwen3 / Qwen3-MoE config (no text_config nesting).</summary>
    public static bool IsPlainQwen3(InternS1Config config) => config.ModelType is "qwen3" or "qwen3_moe";

    /// <summary>Builds the (uninitialised) model for <paramref name="config"/> in <paramref name="dtype"/>.</summary>
    public static ICausalLanguageModel Create(InternS1Config config, ScalarType dtype) =>
        IsPlainQwen3(config)
            ? new Qwen3ForCausalLM(config.TextConfig, config.TiedEmbeddings, dtype)
            : new InternS1ForConditionalGeneration(config, dtype);
}
