using InternS1.Engine.Torch.Checkpoints;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace InternS1.Engine.Torch.Modeling.Vision;

/// <summary>
/// Mirrors transformers' <c>InternS1VisionLayer</c> (InternViT block, pre-norm with layer scale):
/// <c>h = x + lambda_1 · attention(layernorm_before(x))</c>; <c>out = h + lambda_2 · mlp(layernorm_after(h))</c>.
/// The norms are RMSNorm (weight only) for <c>norm_type</c> <c>rms_norm</c> and LayerNorm (weight + bias)
/// for <c>layer_norm</c>, both with <c>layer_norm_eps</c>.
/// </summary>
public sealed class InternS1VisionLayer : nn.Module<Tensor, Tensor>
{
    public InternS1VisionAttention attention;
    public InternS1VisionMLP mlp;
    public nn.Module<Tensor, Tensor> layernorm_before;
    public nn.Module<Tensor, Tensor> layernorm_after;
    public Parameter lambda_1;
    public Parameter lambda_2;

    public InternS1VisionLayer(VisionConfig config, ScalarType dtype, Device? device = null) : base(nameof(InternS1VisionLayer))
    {
        attention = new InternS1VisionAttention(config, dtype, device);
        mlp = new InternS1VisionMLP(config, dtype, device);
        layernorm_before = Norm(config, dtype, device);
        layernorm_after = Norm(config, dtype, device);
        // NOTE: layer_scale_init_value only initialises training; the trained scales come from the checkpoint.
        lambda_1 = Layers.Empty(dtype, device, config.HiddenSize);
        lambda_2 = Layers.Empty(dtype, device, config.HiddenSize);
        RegisterComponents();
    }

    /// <summary>[T, S, hidden] -> [T, S, hidden].</summary>
    public override Tensor forward(Tensor hidden_states)
    {
        using var scope = NewDisposeScope();
        // 1. attention branch with layer scale and residual        [T, S, C]
        var attended = attention.forward(layernorm_before.forward(hidden_states));
        var residual = hidden_states.Plus(lambda_1 * attended);
        // 2. MLP branch with layer scale and residual              [T, S, C]
        var transformed = mlp.forward(layernorm_after.forward(residual));
        return residual.Plus(lambda_2 * transformed).MoveToOuterDisposeScope();
    }

    // NOTE: HF's InternS1VisionRMSNorm is the same computation as Qwen3RMSNorm (see InternS1VisionAttention).
    private static nn.Module<Tensor, Tensor> Norm(VisionConfig config, ScalarType dtype, Device? device) =>
        config.UsesRmsNorm
            ? new Qwen3RMSNorm(config.HiddenSize, config.LayerNormEps, dtype, device)
            : Layers.LayerNorm(config.HiddenSize, config.LayerNormEps, dtype, device);
}
