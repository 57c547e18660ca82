using InternS1.Engine.Requests;
using InternS1.Engine.Torch.Checkpoints;

namespace InternS1.Engine.Torch.Sampling;

/// <summary>
/// The model's recommended sampling (Intern-S1 user guide: temperature 0.7, top_p 1.0, top_k 50,
/// min_p 0.0; Intern-S1-mini: temperature 0.8), overridden by any value generation_config.json sets,
/// with the eos ids of generation_config.json (else config.json) as stop tokens.
/// </summary>
public static class SamplingDefaults
{
    public static SamplingParams For(InternS1Config config, GenerationConfig? generation)
    {
        // NOTE: Intern-S1-mini is the Intern-S1 layout over a dense qwen3 text model.
        var isMini = !Modeling.CausalLanguageModels.IsPlainQwen3(config) && !config.TextConfig.IsMoe;
        return new SamplingParams
        {
            Temperature = generation?.Temperature ?? (isMini ? 0.8f : 0.7f),
            TopP = generation?.TopP ?? 1.0f,
            TopK = generation?.TopK ?? 50,
            MinP = generation?.MinP ?? 0f,
            StopTokenIds = EosTokenIds(config, generation),
        };
    }

    /// <summary>generation_config.json's eos_token_id, else text_config's, else none.</summary>
    public static IReadOnlyList<int> EosTokenIds(InternS1Config config, GenerationConfig? generation) =>
        generation?.EosTokenId ?? config.TextConfig.EosTokenId ?? [];
}
