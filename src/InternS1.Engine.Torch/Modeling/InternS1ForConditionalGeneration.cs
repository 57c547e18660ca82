using InternS1.Engine.Torch.Checkpoints;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace InternS1.Engine.Torch.Modeling;

/// <summary>Mirrors transformers' <c>InternS1ForConditionalGeneration</c>: <c>model</c> (InternS1Model)
/// and <c>lm_head</c> (absent when the embeddings are tied). Tensor names: <c>model.language_model.*</c>,
/// <c>model.vision_tower.*</c>, <c>model.multi_modal_projector.*</c>, <c>lm_head.weight</c>.</summary>
public sealed class InternS1ForConditionalGeneration : nn.Module, ICausalLanguageModel
{
    public const string LanguageModelPrefix = "model.language_model.";
    public const string LmHeadPrefix = "lm_head.";
    public const string VisionTowerPrefix = "model.vision_tower.";
    public const string ProjectorPrefix = "model.multi_modal_projector.";

    public InternS1Model model;
    public Linear? lm_head;

    /// <summary>Builds the <paramref name="parts"/> asked for (the checkpoint tensors of the others are
    /// then skipped on load, see <see cref="UnbuiltPrefixes"/>) on <paramref name="device"/> (CPU when null).</summary>
    public InternS1ForConditionalGeneration(InternS1Config config, ScalarType dtype, Device? device = null,
        InternS1Parts parts = InternS1Parts.All)
        : base(nameof(InternS1ForConditionalGeneration))
    {
        model = new InternS1Model(config, parts, dtype, device);
        var language = parts.HasFlag(InternS1Parts.LanguageModel);
        if (language && !config.TiedEmbeddings)
            lm_head = Layers.Linear(config.TextConfig.HiddenSize, config.TextConfig.VocabSize, dtype, device);
        var unbuilt = new List<string>();
        if (!language) unbuilt.AddRange([LanguageModelPrefix, LmHeadPrefix]);
        if (!model.HasVision && config.VisionConfig is not null) unbuilt.AddRange([VisionTowerPrefix, ProjectorPrefix]);
        UnbuiltPrefixes = unbuilt;
        RegisterComponents();
    }

    public TextConfig TextConfig => model.Config.TextConfig;

    public Qwen3Model LanguageModel => model.language_model
        ?? throw new InvalidOperationException("the language model was not built (vision-only load)");

    public nn.Module Root => this;

    /// <summary>Checkpoint prefixes of the halves not built: none for a full build, the vision
    /// half's for a text-only build, the language model's for a vision-only build.</summary>
    public IReadOnlyList<string> UnbuiltPrefixes { get; }

    public Tensor Embed(Tensor ids) => LanguageModel.embed_tokens.forward(ids);
    public Tensor Forward(Tensor inputsEmbeds, AttentionBatch batch) => LanguageModel.forward(inputsEmbeds, batch);

    public Tensor ComputeLogits(Tensor hidden) =>
        LmHeadProjection.Project(hidden, lm_head?.weight ?? LanguageModel.embed_tokens.weight!);
}
