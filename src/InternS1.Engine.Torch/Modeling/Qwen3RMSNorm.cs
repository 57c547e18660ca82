using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace InternS1.Engine.Torch.Modeling;

/// <summary>Mirrors transformers' <c>Qwen3RMSNorm</c> / <c>Qwen3MoeRMSNorm</c> (also the per-head q_norm / k_norm).</summary>
public sealed class Qwen3RMSNorm : nn.Module<Tensor, Tensor>
{
    public Parameter weight;
    private readonly double _eps;

    public Qwen3RMSNorm(long hiddenSize, double eps, ScalarType dtype, Device? device = null) : base(nameof(Qwen3RMSNorm))
    {
        weight = Layers.Empty(dtype, device, hiddenSize);
        _eps = eps;
        RegisterComponents();
    }

    /// <summary>[..., hidden] -> [..., hidden], normalised over the last dimension in float32.</summary>
    public override Tensor forward(Tensor hidden)
    {
        using var scope = NewDisposeScope();
        // 1. variance in float32
        var x = hidden.to(ScalarType.Float32);
        var variance = x.pow(HeldScalars.Two).mean([-1], keepdim: true);
        // 2. x * rsqrt(var + eps), back to the input dtype, times the weight
        var normed = (x * torch.rsqrt(variance.Plus(_eps))).to(hidden.dtype);
        return (weight * normed).MoveToOuterDisposeScope();
    }
}
