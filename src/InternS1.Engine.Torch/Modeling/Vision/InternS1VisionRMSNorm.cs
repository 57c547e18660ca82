using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace InternS1.Engine.Torch.Modeling.Vision;

// Mirrors HF InternS1VisionRMSNorm (= InternVLVisionRMSNorm, T5-style RMSNorm, weight only).

/// <summary>
/// RMSNorm over the last dimension: <c>weight * (x / sqrt(mean(x^2) + eps))</c>, the statistics
/// in float32 and the normalised value cast back to the input dtype before scaling (as HF does).
/// Used for <c>layernorm_before/after</c> when <c>norm_type</c> is <c>rms_norm</c> and for
/// <c>attention.q_norm/k_norm</c> (over the full hidden width) when <c>use_qk_norm</c> is set.
/// </summary>
public sealed class InternS1VisionRMSNorm : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = nameof(weight))]
    private Parameter _weight;

    private readonly double _eps;

    /// <summary>Creates the norm with an uninitialised <c>weight</c> [<paramref name="hiddenSize"/>]
    /// (pass <c>torch.META</c> as device to allocate nothing until the checkpoint is loaded).</summary>
    public InternS1VisionRMSNorm(long hiddenSize, double eps, Device? device = null, ScalarType? dtype = null)
        : base(nameof(InternS1VisionRMSNorm))
    {
        _eps = eps;
        _weight = new Parameter(torch.ones(hiddenSize, dtype, device), requires_grad: false);
        RegisterComponents();
    }

    /// <summary>The scale, shape [hidden]. Settable so a checkpoint loader can replace it.</summary>
    public Parameter weight
    {
        get => _weight;
        set
        {
            if (value.Handle == _weight.Handle) return;
            _weight.Dispose();
            _weight = (Parameter)value.DetachFromDisposeScope();
            ConditionallyRegisterParameter(nameof(weight), _weight);
        }
    }

    public override Tensor forward(Tensor hidden_states)
    {
        using var scope = NewDisposeScope();
        // 1. statistics in float32: variance [..., 1]
        var x32 = hidden_states.to(ScalarType.Float32);
        var variance = x32.pow(2).mean([-1L], keepdim: true);
        // 2. normalise, cast back to the input dtype: [..., hidden]
        var normed = (x32 * torch.rsqrt(variance + _eps)).to(hidden_states.dtype);
        // 3. scale: [..., hidden]
        return (_weight * normed).MoveToOuterDisposeScope();
    }
}
