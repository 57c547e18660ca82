using InternS1.Engine.Torch.Checkpoints;
using static TorchSharp.torch;

namespace InternS1.Engine.Torch.Modeling;

/// <summary>Chooses the module tree for a config: Intern-S1 layout (<c>model.language_model.*</c>)
/// for an Intern-S1 config, plain Qwen3 layout (<c>model.*</c>) for a top-level qwen3 / qwen3_moe config.</summary>
public static class CausalLanguageModels
{
    /// <summary>True when config.json is a plain Qwen3 / Qwen3-MoE config (no text_config nesting).</summary>
    public static bool IsPlainQwen3(InternS1Config config) => config.ModelType is "qwen3" or "qwen3_moe";

    /// <summary>Builds the (uninitialised) model for <paramref name="config"/> in <paramref name="dtype"/> on
    /// <paramref name="device"/> (CPU when null; <c>torch.META</c> allocates nothing);
    /// <paramref name="buildVision"/> false leaves out an Intern-S1 model's vision tower and projector.</summary>
    public static ICausalLanguageModel Create(InternS1Config config, ScalarType dtype, bool buildVision = true, Device? device = null)
    {
        var text = config.TextConfig;
        if (text.UseSlidingWindow || text.LayerTypes?.Any(t => t != "full_attention") == true)
            throw new ModelConfigException("text_config.use_sliding_window / layer_types: sliding-window attention is not supported (Intern-S1 and Qwen3 use full attention)");
        return IsPlainQwen3(config)
            ? new Qwen3ForCausalLM(text, config.TiedEmbeddings, dtype, device)
            : new InternS1ForConditionalGeneration(config, dtype, device, buildVision ? InternS1Parts.All : InternS1Parts.LanguageModel);
    }
}
