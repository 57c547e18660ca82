using InternS1.Engine.Torch.Checkpoints;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace InternS1.Engine.Torch.Modeling.Vision;

/// <summary>
/// Mirrors transformers' <c>InternS1MultiModalProjector</c> (formerly InternVL <c>mlp1</c>), registered under
/// <c>model.multi_modal_projector</c>: <c>layer_norm</c> LayerNorm(C·k², eps 1e-5) with k = 1/downsample_ratio,
/// <c>linear_1</c> C·k² → text hidden, exact GELU, <c>linear_2</c> text hidden → text hidden.
/// </summary>
public sealed class InternS1MultiModalProjector : nn.Module<Tensor, Tensor>
{
    /// <summary>nn.LayerNorm's default eps, which the projector uses (not layer_norm_eps).</summary>
    public const double LayerNormEps = 1e-5;

    public LayerNorm layer_norm;
    public Linear linear_1;
    public Linear linear_2;

    public InternS1MultiModalProjector(InternS1Config config, ScalarType dtype, Device? device = null)
        : base(nameof(InternS1MultiModalProjector))
    {
        var vision = config.VisionConfig
            ?? throw new ArgumentException("config has no vision_config: this checkpoint is text-only", nameof(config));
        var factor = InternS1PixelShuffle.Factor(config.DownsampleRatio);
        InputWidth = (long)vision.HiddenSize * factor * factor;
        long textHidden = config.TextConfig.HiddenSize;
        layer_norm = Layers.LayerNorm(InputWidth, LayerNormEps, dtype, device);
        linear_1 = Layers.Linear(InputWidth, textHidden, dtype, device, bias: true);
        linear_2 = Layers.Linear(textHidden, textHidden, dtype, device, bias: true);
        RegisterComponents();
    }

    /// <summary>Expected input width, vision hidden × (1/downsample_ratio)².</summary>
    public long InputWidth { get; }

    /// <summary>[.., C·k²] -> [.., text hidden].</summary>
    public override Tensor forward(Tensor image_features)
    {
        using var scope = NewDisposeScope();
        // 1. LayerNorm over the shuffled width                     [.., 4C]
        var normed = layer_norm.forward(image_features);
        // 2. up to the text width, exact GELU                      [.., H]
        var hidden = nn.functional.gelu(linear_1.forward(normed), GELU.Approximate.none);
        // 3. second projection                                     [.., H]
        return linear_2.forward(hidden).MoveToOuterDisposeScope();
    }
}
