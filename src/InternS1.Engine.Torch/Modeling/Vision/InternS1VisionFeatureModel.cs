using InternS1.Engine.Torch.Checkpoints;
using Microsoft.Extensions.Logging;
using TorchSharp;
using static TorchSharp.torch;

namespace InternS1.Engine.Torch.Modeling.Vision;

/// <summary>
/// Only the vision half of an Intern-S1 checkpoint — <c>model.vision_tower.*</c> and
/// <c>model.multi_modal_projector.*</c> under their checkpoint names — loaded through
/// <see cref="WeightLoader"/> while the language model's tensors are skipped. For tools that need image
/// features without the (much larger) language model, e.g. <c>interns1 model vision-features</c>.
/// </summary>
public sealed class InternS1VisionFeatureModel : nn.Module
{
    /// <summary>Checkpoint prefixes of the parts this model does not build.</summary>
    public static readonly IReadOnlyList<string> LanguagePrefixes = ["model.language_model.", "lm_head."];

    private readonly VisionHalf model;

    private InternS1VisionFeatureModel(InternS1Config config, ScalarType dtype) : base(nameof(InternS1VisionFeatureModel))
    {
        Config = config;
        model = new VisionHalf(config, dtype);
        RegisterComponents();
    }

    /// <summary>The parsed config.json.</summary>
    public InternS1Config Config { get; }

    /// <summary><c>model.vision_tower</c>.</summary>
    public InternS1VisionModel VisionTower => model.vision_tower;

    /// <summary><c>model.multi_modal_projector</c>.</summary>
    public InternS1MultiModalProjector Projector => model.multi_modal_projector;

    /// <summary>
    /// Reads config.json (which must have a vision_config) and the vision tower and projector tensors of
    /// <paramref name="modelDirectory"/> in <paramref name="dtype"/>. Errors name the file, key or tensor
    /// (<see cref="ModelConfigException"/>, <see cref="CheckpointException"/>).
    /// </summary>
    public static InternS1VisionFeatureModel Load(string modelDirectory, ScalarType dtype, ILogger? logger = null)
    {
        var config = InternS1Config.Load(modelDirectory);
        if (config.VisionConfig is null)
            throw new ModelConfigException($"{Path.Combine(modelDirectory, "config.json")} has no vision_config: the model is text-only");
        var quant = config.Quantization;
        var result = new InternS1VisionFeatureModel(config, dtype);
        try
        {
            using var checkpoint = SafetensorsCheckpoint.Open(modelDirectory);
            WeightLoader.Load(result, checkpoint, new WeightLoadOptions
            {
                IgnoredPrefixes = LanguagePrefixes,
                Fp8BlockSize = quant?.WeightBlockSize is { Count: 2 } block ? block : [128, 128],
            }, logger);
            return result;
        }
        catch
        {
            result.Dispose();
            throw;
        }
    }

    /// <summary>Normalised tiles [numTiles, 3, S, S] (flat float32) -> [numTiles, image_seq_length, text hidden].</summary>
    public Tensor GetImageFeatures(ReadOnlyMemory<float> pixelValues, int numTiles) =>
        InternS1ImageFeatures.GetImageFeatures(VisionTower, Projector, pixelValues, numTiles, Config);

    /// <summary>The <c>model.</c> level, so parameter names are the checkpoint names.</summary>
    private sealed class VisionHalf : nn.Module
    {
        public readonly InternS1VisionModel vision_tower;
        public readonly InternS1MultiModalProjector multi_modal_projector;

        public VisionHalf(InternS1Config config, ScalarType dtype) : base(nameof(VisionHalf))
        {
            vision_tower = new InternS1VisionModel(config.VisionConfig!, META, dtype);
            VisionWeightLoader.Materialize(vision_tower, dtype);
            multi_modal_projector = new InternS1MultiModalProjector(config, META, dtype);
            VisionWeightLoader.Materialize(multi_modal_projector, dtype);
            RegisterComponents();
        }
    }
}
