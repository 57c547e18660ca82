using InternS1.Engine.Torch.Checkpoints;
using InternS1.Engine.Torch.Modeling.Vision;
using TorchSharp;
using static TorchSharp.torch;

namespace InternS1.Engine.Torch.Modeling;

/// <summary>
/// Mirrors transformers' <c>InternS1Model</c>: <c>vision_tower</c> (InternS1VisionModel),
/// <c>multi_modal_projector</c> (InternS1MultiModalProjector) and <c>language_model</c> (Qwen3 /
/// Qwen3-MoE), registered under exactly those field names so their parameters load from
/// <c>model.vision_tower.*</c> / <c>model.multi_modal_projector.*</c> / <c>model.language_model.*</c>.
/// Which halves exist is chosen with <see cref="InternS1Parts"/>; the vision half needs a <c>vision_config</c>.
/// </summary>
public sealed class InternS1Model : nn.Module
{
    public InternS1VisionModel? vision_tower;
    public InternS1MultiModalProjector? multi_modal_projector;
    public Qwen3Model? language_model;

    /// <summary>Builds the modules with uninitialised weights in <paramref name="dtype"/> on
    /// <paramref name="device"/> (CPU when null; the checkpoint fills them).</summary>
    public InternS1Model(InternS1Config config, InternS1Parts parts, ScalarType dtype, Device? device = null) : base(nameof(InternS1Model))
    {
        Config = config;
        if (parts == InternS1Parts.Vision && config.VisionConfig is null)
            throw new ModelConfigException("config.json has no vision_config: the model is text-only");
        if (parts.HasFlag(InternS1Parts.Vision) && config.VisionConfig is { } vision)
        {
            vision_tower = new InternS1VisionModel(vision, dtype, device);
            multi_modal_projector = new InternS1MultiModalProjector(config, dtype, device);
        }
        if (parts.HasFlag(InternS1Parts.LanguageModel))
            language_model = new Qwen3Model(config.TextConfig, dtype, device);
        RegisterComponents();
    }

    /// <summary>The config this model was built from.</summary>
    public InternS1Config Config { get; }

    /// <summary>True when the vision tower and projector were built.</summary>
    public bool HasVision => vision_tower is not null && multi_modal_projector is not null;

    /// <summary>
    /// HF <c>get_image_features</c>: normalised whole tiles [T, 3, S, S] (S = vision_config.image_size, on the
    /// modules' device) -> [T, image_seq_length, text hidden] in the projector's dtype, without autograd:
    /// tower (hidden state <c>vision_feature_layer</c>) -> drop CLS -> patch grid -> pixel shuffle -> projector.
    /// Throws when the vision half was not built.
    /// </summary>
    public Tensor GetImageFeatures(Tensor pixelValues)
    {
        if (!HasVision)
            throw new InvalidOperationException(Config.VisionConfig is null
                ? "the model has no vision_config: it is text-only"
                : "the vision tower was not built (text-only load)");
        var vision = Config.VisionConfig!;
        if (Config.VisionFeatureSelectStrategy != "default")
            throw new NotSupportedException(
                $"vision_feature_select_strategy '{Config.VisionFeatureSelectStrategy}' is not supported (Intern-S1 uses 'default': drop CLS)");
        long height = vision.ImageSize[0], width = vision.ImageSize[1];
        if (pixelValues.ndim != 4 || pixelValues.shape[1] != vision.NumChannels
            || pixelValues.shape[2] != height || pixelValues.shape[3] != width)
            throw new ArgumentException(
                $"pixel values must be whole tiles [tiles, {vision.NumChannels}, {height}, {width}] (vision_config.image_size), " +
                $"got [{string.Join(", ", pixelValues.shape)}]", nameof(pixelValues));
        long rows = height / vision.PatchSize[0], cols = width / vision.PatchSize[1];
        var tiles = pixelValues.shape[0];

        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        // 1. vision tower                                             [T, 1 + rows·cols, C]
        var hidden = vision_tower!.forward(pixelValues, Config.VisionFeatureLayer);
        // 2. drop CLS, restore the patch grid                         [T, rows·cols, C] -> [T, rows, cols, C]
        var channels = hidden.shape[2];
        var grid = hidden.narrow(1, 1, rows * cols).reshape(tiles, rows, cols, channels);
        // 3. pixel shuffle                                            [T, rows/k, cols/k, C·k²]
        var shuffled = InternS1PixelShuffle.Apply(grid, Config.DownsampleRatio);
        // 4. one token per k×k block                                  [T, image_seq_length, C·k²]
        var tokens = shuffled.reshape(tiles, -1, shuffled.shape[3]);
        if (tokens.shape[1] != Config.ImageSeqLength)
            throw new InvalidOperationException(
                $"the tower produced {tokens.shape[1]} tokens per tile but image_seq_length is {Config.ImageSeqLength}");
        // 5. projector                                                [T, image_seq_length, text hidden]
        return multi_modal_projector!.forward(tokens).MoveToOuterDisposeScope();
    }
}
