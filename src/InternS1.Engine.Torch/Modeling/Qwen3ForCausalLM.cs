using InternS1.Engine.Torch.Checkpoints;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace InternS1.Engine.Torch.Modeling;

/// <summary>Mirrors transformers' <c>Qwen3ForCausalLM</c> / <c>Qwen3MoeForCausalLM</c> (a plain,
/// text-only checkpoint): <c>model</c> (Qwen3Model) and <c>lm_head</c>. Tensor names: <c>model.*</c>, <c>lm_head.weight</c>.</summary>
public sealed class Qwen3ForCausalLM : nn.Module, ICausalLanguageModel
{
    public Qwen3Model model;
    public Linear? lm_head;

    public Qwen3ForCausalLM(TextConfig config, bool tiedEmbeddings, ScalarType dtype, Device? device = null) : base(nameof(Qwen3ForCausalLM))
    {
        model = new Qwen3Model(config, dtype, device);
        if (!tiedEmbeddings)
            lm_head = Layers.Linear(config.HiddenSize, config.VocabSize, dtype, device);
        RegisterComponents();
    }

    public TextConfig TextConfig => model.Config;
    public Qwen3Model LanguageModel => model;
    public nn.Module Root => this;
    public IReadOnlyList<string> UnbuiltPrefixes { get; } = [];

    public Tensor Embed(Tensor ids) => model.embed_tokens.forward(ids);
    public Tensor Forward(Tensor inputsEmbeds, AttentionBatch batch) => model.forward(inputsEmbeds, batch);

    public Tensor ComputeLogits(Tensor hidden) =>
        LmHeadProjection.Project(hidden, lm_head?.weight ?? model.embed_tokens.weight!);
}
