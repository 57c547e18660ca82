using InternS1.Engine.Torch.Checkpoints;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace InternS1.Engine.Torch.Modeling;

/// <summary>Mirrors transformers' <c>Qwen3Model</c> / <c>Qwen3MoeModel</c>: token embedding, decoder
/// layers, final RMSNorm. Works on packed tokens of several sequences; holds no cache.</summary>
public sealed class Qwen3Model : nn.Module
{
    public TokenEmbedding embed_tokens;
    public ModuleList<Qwen3DecoderLayer> layers;
    public Qwen3RMSNorm norm;
    public Qwen3RotaryEmbedding rotary_emb;

    public Qwen3Model(TextConfig config, ScalarType dtype, Device? device = null) : base(nameof(Qwen3Model))
    {
        Config = config;
        embed_tokens = new TokenEmbedding(config.VocabSize, config.HiddenSize, dtype, device);
        layers = new ModuleList<Qwen3DecoderLayer>(Enumerable.Range(0, config.NumHiddenLayers)
            .Select(i => new Qwen3DecoderLayer(config, i, dtype, device)).ToArray());
        norm = new Qwen3RMSNorm(config.HiddenSize, config.RmsNormEps, dtype, device);
        rotary_emb = new Qwen3RotaryEmbedding(config, dtype, device);
        RegisterComponents();
    }

    public TextConfig Config { get; }

    /// <summary>inputs_embeds [T, hidden] -> final-normed hidden states [T, hidden].</summary>
    public Tensor forward(Tensor inputsEmbeds, AttentionBatch batch)
    {
        using var scope = NewDisposeScope();
        // 1. cos/sin for the packed positions                 [T, head_dim]
        var (cos, sin) = rotary_emb.forward(batch.Positions);
        // 2. decoder layers
        var hidden = inputsEmbeds;
        foreach (var layer in layers)
            hidden = layer.forward(hidden, cos, sin, batch);
        // 3. final norm
        return norm.forward(hidden).MoveToOuterDisposeScope();
    }
}
