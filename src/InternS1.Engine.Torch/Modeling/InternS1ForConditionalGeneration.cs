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
    public const string VisionTowerPrefix = "model.vision_tower.";
    public const string ProjectorPrefix = "model.multi_modal_projector.";

    public InternS1Model model;
    public Linear? lm_head;

    /// <summary>Builds the model; <paramref name="buildVision"/> false leaves out the vision tower and
    /// projector (their checkpoint tensors are then skipped on load, see <see cref="UnbuiltPrefixes"/>).</summary>
    public InternS1ForConditionalGeneration(InternS1Config config, ScalarType dtype, bool buildVision = true)
        : base(nameof(InternS1ForConditionalGeneration))
    {
        model = new InternS1Model(config, dtype, buildVision);
        if (!config.TiedEmbeddings)
            lm_head = Layers.Linear(config.TextConfig.HiddenSize, config.TextConfig.VocabSize, dtype);
        UnbuiltPrefixes = model.HasVision || config.VisionConfig is null ? [] : [VisionTowerPrefix, ProjectorPrefix];
        RegisterComponents();
    }

    public TextConfig TextConfig => model.language_model.Config;
    public Qwen3Model LanguageModel => model.language_model;
    public nn.Module Root => this;

    /// <summary>Empty when the vision half is built; its two prefixes for a text-only build.</summary>
    public IReadOnlyList<string> UnbuiltPrefixes { get; }

    public Tensor Embed(Tensor ids) => LanguageModel.embed_tokens.forward(ids);
    public Tensor Forward(Tensor inputsEmbeds, AttentionBatch batch) => LanguageModel.forward(inputsEmbeds, batch);

    public Tensor ComputeLogits(Tensor hidden) =>
        lm_head is null ? nn.functional.linear(hidden, LanguageModel.embed_tokens.weight) : lm_head.forward(hidden);
}
