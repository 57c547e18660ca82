using InternS1.Engine.Torch.Checkpoints;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace InternS1.Engine.Torch.Modeling.Vision;

// Mirrors HF InternS1MultiModalProjector (formerly InternVL `mlp1`).

/// <summary>
/// Registered under <c>model.multi_modal_projector</c>: <c>layer_norm</c> LayerNorm(C·k², eps 1e-5)
/// with k = 1/downsample_ratio, <c>linear_1</c> C·k² → text hidden, exact GELU, <c>linear_2</c>
/// text hidden → text hidden. [.., C·k²] -> [.., text hidden].
/// </summary>
public sealed class InternS1MultiModalProjector : nn.Module<Tensor, Tensor>
{
    /// <summary>nn.LayerNorm's default eps, which the projector uses (not layer_norm_eps).</summary>
    public const double LayerNormEps = 1e-5;

    private readonly LayerNorm layer_norm;
    private readonly Linear linear_1;
    private readonly Linear linear_2;

    public InternS1MultiModalProjector(InternS1Config config, Device? device = null, ScalarType? dtype = null)
        : base(nameof(InternS1MultiModalProjector))
    {
        var vision = config.VisionConfig
            ?? throw new ArgumentException("config has no vision_config: this checkpoint is text-only", nameof(config));
        var factor = InternS1PixelShuffle.Factor(config.DownsampleRatio);
        long inputWidth = vision.HiddenSize * factor * factor;
        long textHidden = config.TextConfig.HiddenSize;
        InputWidth = inputWidth;
        layer_norm = nn.LayerNorm(inputWidth, LayerNormEps, elementwise_affine: true, bias: true, device: device, dtype: dtype);
        linear_1 = nn.Linear(inputWidth, textHidden, hasBias: true, device: device, dtype: dtype);
        linear_2 = nn.Linear(textHidden, textHidden, hasBias: true, device: device, dtype: dtype);
        RegisterComponents();
    }

    /// <summary>Expected input width, vision hidden × (1/downsample_ratio)².</summary>
    public long InputWidth { get; }

    /// <summary>Builds the projector on the meta device and loads it from a checkpoint dictionary keyed
    /// by full names (<c>model.multi_modal_projector.…</c>); see <see cref="VisionWeightLoader"/>.</summary>
    public static InternS1MultiModalProjector FromCheckpoint(InternS1Config config,
        IReadOnlyDictionary<string, Tensor> checkpoint, ScalarType dtype, Device? device = null)
    {
        var projector = new InternS1MultiModalProjector(config, META, dtype);
        try
        {
            VisionWeightLoader.Load(projector, VisionWeightLoader.ProjectorPrefix, checkpoint, dtype, device);
            return projector;
        }
        catch
        {
            projector.Dispose();
            throw;
        }
    }

    public override Tensor forward(Tensor image_features)
    {
        using var scope = NewDisposeScope();
        // 1. LayerNorm over the shuffled width: [.., 4C]
        var normed = layer_norm.forward(image_features);
        // 2. up to the text width, exact GELU: [.., H]
        var hidden = nn.functional.gelu(linear_1.forward(normed), GELU.Approximate.none);
        // 3. second projection: [.., H]
        return linear_2.forward(hidden).MoveToOuterDisposeScope();
    }
}
