using InternS1.Engine.Torch.Checkpoints;
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace InternS1.Engine.Torch.Modeling.Vision;

// Mirrors HF InternS1VisionLayer (InternViT block: pre-norm attention and MLP with layer scale).

/// <summary>
/// <c>h = x + lambda_1 · attention(layernorm_before(x))</c>;
/// <c>out = h + lambda_2 · mlp(layernorm_after(h))</c>. The norms are RMSNorm (weight only) for
/// <c>norm_type</c> <c>rms_norm</c> and LayerNorm (weight + bias) for <c>layer_norm</c>, both with
/// <c>layer_norm_eps</c>. Input and output [T, S, hidden].
/// </summary>
public sealed class InternS1VisionLayer : nn.Module<Tensor, Tensor>
{
    private readonly InternS1VisionAttention attention;
    private readonly InternS1VisionMLP mlp;
    private readonly nn.Module<Tensor, Tensor> layernorm_before;
    private readonly nn.Module<Tensor, Tensor> layernorm_after;

    [ComponentName(Name = nameof(lambda_1))]
    private Parameter _lambda_1;

    [ComponentName(Name = nameof(lambda_2))]
    private Parameter _lambda_2;

    public InternS1VisionLayer(VisionConfig config, Device? device = null, ScalarType? dtype = null)
        : base(nameof(InternS1VisionLayer))
    {
        attention = new InternS1VisionAttention(config, device, dtype);
        mlp = new InternS1VisionMLP(config, device, dtype);
        layernorm_before = CreateNorm(config, device, dtype);
        layernorm_after = CreateNorm(config, device, dtype);
        _lambda_1 = new Parameter(torch.full(config.HiddenSize, config.LayerScaleInitValue, dtype, device), requires_grad: false);
        _lambda_2 = new Parameter(torch.full(config.HiddenSize, config.LayerScaleInitValue, dtype, device), requires_grad: false);
        RegisterComponents();
    }

    /// <summary>Layer scale of the attention branch, [hidden]. Settable for checkpoint loading.</summary>
    public Parameter lambda_1
    {
        get => _lambda_1;
        set => _lambda_1 = Swap(_lambda_1, value, nameof(lambda_1));
    }

    /// <summary>Layer scale of the MLP branch, [hidden]. Settable for checkpoint loading.</summary>
    public Parameter lambda_2
    {
        get => _lambda_2;
        set => _lambda_2 = Swap(_lambda_2, value, nameof(lambda_2));
    }

    public override Tensor forward(Tensor hidden_states)
    {
        using var scope = NewDisposeScope();
        // 1. attention branch with layer scale and residual: [T, S, C]
        var attended = attention.forward(layernorm_before.forward(hidden_states));
        var residual = hidden_states + _lambda_1 * attended;
        // 2. MLP branch with layer scale and residual: [T, S, C]
        var transformed = mlp.forward(layernorm_after.forward(residual));
        return (residual + _lambda_2 * transformed).MoveToOuterDisposeScope();
    }

    private static nn.Module<Tensor, Tensor> CreateNorm(VisionConfig config, Device? device, ScalarType? dtype) =>
        config.UsesRmsNorm
            ? new InternS1VisionRMSNorm(config.HiddenSize, config.LayerNormEps, device, dtype)
            : nn.LayerNorm(config.HiddenSize, config.LayerNormEps, elementwise_affine: true, bias: true, device: device, dtype: dtype);

    private Parameter Swap(Parameter current, Parameter value, string name)
    {
        if (value.Handle == current.Handle) return current;
        current.Dispose();
        var next = (Parameter)value.DetachFromDisposeScope();
        ConditionallyRegisterParameter(name, next);
        return next;
    }
}
