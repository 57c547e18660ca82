using InternS1.Engine.Torch.Checkpoints;
using TorchSharp;
using static TorchSharp.torch;

namespace InternS1.Engine.Torch.Modeling;

/// <summary>Mirrors transformers' <c>Qwen3DecoderLayer</c> / <c>Qwen3MoeDecoderLayer</c>: pre-norm
/// attention and MLP with residuals; the MLP is the sparse MoE block when
/// <see cref="TextConfig.IsSparseLayer"/> says so, else the dense SwiGLU.</summary>
public sealed class Qwen3DecoderLayer : nn.Module
{
    public Qwen3Attention self_attn;
    public nn.Module<Tensor, Tensor> mlp;
    public Qwen3RMSNorm input_layernorm;
    public Qwen3RMSNorm post_attention_layernorm;

    public Qwen3DecoderLayer(TextConfig config, int layerIdx, ScalarType dtype, Device? device = null) : base(nameof(Qwen3DecoderLayer))
    {
        self_attn = new Qwen3Attention(config, layerIdx, dtype, device);
        mlp = config.IsSparseLayer(layerIdx)
            ? new Qwen3MoeSparseMoeBlock(config, dtype, device)
            : new Qwen3MLP(config.HiddenSize, config.IntermediateSize, dtype, device);
        input_layernorm = new Qwen3RMSNorm(config.HiddenSize, config.RmsNormEps, dtype, device);
        post_attention_layernorm = new Qwen3RMSNorm(config.HiddenSize, config.RmsNormEps, dtype, device);
        RegisterComponents();
    }

    /// <summary>[T, hidden] -> [T, hidden].</summary>
    public Tensor forward(Tensor x, Tensor cos, Tensor sin, AttentionBatch batch)
    {
        using var scope = NewDisposeScope();
        // 1. h = x + self_attn(input_layernorm(x))
        var h = x.Plus(self_attn.forward(input_layernorm.forward(x), cos, sin, batch));
        // 2. y = h + mlp(post_attention_layernorm(h))
        var y = h.Plus(mlp.forward(post_attention_layernorm.forward(h)));
        return y.MoveToOuterDisposeScope();
    }
}
