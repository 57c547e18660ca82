using InternS1.Engine.Torch.Checkpoints;
using TorchSharp;
using static TorchSharp.torch;

namespace InternS1.Engine.Torch.Modeling;

/// <summary>Mirrors transformers' <c>Qwen3RotaryEmbedding</c> (NeoX "rotate_half" layout): cos/sin
/// for arbitrary positions, computed in float32 and cast to the model dtype. No parameters.</summary>
public sealed class Qwen3RotaryEmbedding : nn.Module
{
    private readonly Tensor _inverseFrequencies; // [head_dim / 2] float32
    private readonly double _attentionScaling;
    private readonly ScalarType _dtype;

    public Qwen3RotaryEmbedding(TextConfig config, ScalarType dtype, Device? device = null) : base(nameof(Qwen3RotaryEmbedding))
    {
        var rope = RopeParameters.FromConfig(config);
        _inverseFrequencies = torch.tensor(rope.InverseFrequencies.Select(f => (float)f).ToArray(), device: device ?? torch.CPU);
        _attentionScaling = rope.AttentionScaling;
        _dtype = dtype;
    }

    /// <summary>positions [T] int64 -> (cos, sin), each [T, head_dim] in the model dtype.</summary>
    public (Tensor Cos, Tensor Sin) forward(Tensor positions)
    {
        using var scope = NewDisposeScope();
        // 1. freqs[t, i] = pos[t] * inv_freq[i]                       [T, D/2]
        var freqs = positions.to(ScalarType.Float32).unsqueeze(1) * _inverseFrequencies.unsqueeze(0);
        // 2. emb = cat(freqs, freqs)                                   [T, D]
        var emb = torch.cat([freqs, freqs], -1);
        var cos = emb.cos().Times(_attentionScaling).to(_dtype);
        var sin = emb.sin().Times(_attentionScaling).to(_dtype);
        return (cos.MoveToOuterDisposeScope(), sin.MoveToOuterDisposeScope());
    }

    /// <summary>x [T, H, D] rotated with cos/sin [T, D]: x*cos + rotate_half(x)*sin.</summary>
    public static Tensor Apply(Tensor x, Tensor cos, Tensor sin)
    {
        using var scope = NewDisposeScope();
        var half = x.shape[^1] / 2;
        // rotate_half(x) = cat(-x[..., D/2:], x[..., :D/2])
        var rotated = torch.cat([x.narrow(-1, half, half).neg(), x.narrow(-1, 0, half)], -1);
        var result = (x * cos.unsqueeze(1)).Plus(rotated * sin.unsqueeze(1));
        return result.MoveToOuterDisposeScope();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _inverseFrequencies.Dispose();
        base.Dispose(disposing);
    }
}
