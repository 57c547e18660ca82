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
/// The vision half exists only when the config has a <c>vision_config</c> and it was asked for.
/// </summary>
public sealed class InternS1Model : nn.Module
{
    public InternS1VisionModel? vision_tower;
    public InternS1MultiModalProjector? multi_modal_projector;
    public Qwen3Model language_model;

    /// <summary>Builds the modules with uninitialised weights in <paramref name="dtype"/> (the checkpoint
    /// fills them). <paramref name="buildVision"/> false builds the language model only.</summary>
    public InternS1Model(InternS1Config config, ScalarType dtype, bool buildVision = true) : base(nameof(InternS1Model))
    {
        Config = config;
        if (buildVision && config.VisionConfig is { } vision)
        {
            // built on the meta device (no random init), then given empty storage the loader fills in place
            vision_tower = new InternS1VisionModel(vision, META, dtype);
            VisionWeightLoader.Materialize(vision_tower, dtype);
            multi_modal_projector = new InternS1MultiModalProjector(config, META, dtype);
            VisionWeightLoader.Materialize(multi_modal_projector, dtype);
        }
        language_model = new Qwen3Model(config.TextConfig, dtype);
        RegisterComponents();
    }

    /// <summary>The config this model was built from.</summary>
    public InternS1Config Config { get; }

    /// <summary>True when the vision tower and projector were built.</summary>
    public bool HasVision => vision_tower is not null && multi_modal_projector is not null;

    /// <summary>
    /// HF <c>get_image_features</c>: normalised tiles [T, 3, S, S] -> [T, image_seq_length, text hidden]
    /// in the model dtype. Throws when the vision half was not built.
    /// </summary>
    public Tensor GetImageFeatures(Tensor pixelValues) =>
        InternS1ImageFeatures.GetImageFeatures(VisionTowerOrThrow(), multi_modal_projector!, pixelValues, Config);

    /// <summary><see cref="GetImageFeatures(Tensor)"/> for a flat float32 buffer [numTiles, 3, S, S].</summary>
    public Tensor GetImageFeatures(ReadOnlyMemory<float> pixelValues, int numTiles) =>
        InternS1ImageFeatures.GetImageFeatures(VisionTowerOrThrow(), multi_modal_projector!, pixelValues, numTiles, Config);

    private InternS1VisionModel VisionTowerOrThrow() =>
        HasVision ? vision_tower! : throw new InvalidOperationException(Config.VisionConfig is null
            ? "the model has no vision_config: it is text-only"
            : "the vision tower was not built (text-only load)");
}
