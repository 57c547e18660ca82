using InternS1.Engine.Requests;
using InternS1.Engine.Torch.Checkpoints;
using InternS1.Engine.Torch.Modeling;
using static TorchSharp.torch;

namespace InternS1.Engine.Torch.Running;

/// <summary>
/// <see cref="IMultimodalEncoder"/> over a loaded <see cref="InternS1Model"/>'s <c>vision_tower</c> and
/// <c>multi_modal_projector</c> (HF <c>get_image_features</c>): one run's tiles (an image with its
/// thumbnail, or one video frame) -> [NumTiles x image_seq_length, text hidden] in the model dtype.
/// </summary>
public sealed class VisionTowerEncoder : IMultimodalEncoder
{
    private readonly InternS1Model _model;
    private readonly VisionConfig _vision;

    /// <summary>Wraps <paramref name="model"/>, whose vision half must be built and loaded.</summary>
    public VisionTowerEncoder(InternS1Model model)
    {
        if (!model.HasVision || model.Config.VisionConfig is null)
            throw new ArgumentException("the model's vision tower and projector were not built", nameof(model));
        _model = model;
        _vision = model.Config.VisionConfig;
    }

    /// <summary>Placeholder tokens per tile (image_seq_length).</summary>
    public int TokensPerTile => _model.Config.ImageSeqLength;

    /// <inheritdoc />
    public string? Validate(MultimodalInput input)
    {
        var kind = input.Kind.ToString().ToLowerInvariant();
        int height = _vision.ImageSize[0], width = _vision.ImageSize[1];
        if (input.TileSize != height || input.TileSize != width)
            return $"the {kind} at prompt position {input.Offset} has {input.TileSize}-pixel tiles, but vision_config.image_size is {height}x{width}";
        if (input.NumTiles <= 0)
            return $"the {kind} at prompt position {input.Offset} has {input.NumTiles} tiles";
        var tokens = (long)input.NumTiles * TokensPerTile;
        if (input.Length != tokens)
            return $"the {kind} at prompt position {input.Offset} covers {input.Length} placeholder tokens, but its {input.NumTiles} tile(s) give {tokens} ({TokensPerTile} per tile)";
        var floats = (long)input.NumTiles * _vision.NumChannels * height * width;
        if (input.PixelValues.Length != floats)
            return $"the {kind} at prompt position {input.Offset} has {input.PixelValues.Length} pixel values, but {input.NumTiles} tile(s) of [{_vision.NumChannels}, {height}, {width}] need {floats}";
        return null;
    }

    /// <inheritdoc />
    public Tensor Encode(MultimodalInput input)
    {
        if (Validate(input) is { } problem) throw new ArgumentException(problem, nameof(input));
        // [T, 3, S, S] -> [T, image_seq_length, hidden] -> [Length, hidden]
        using var features = _model.GetImageFeatures(input.PixelValues, input.NumTiles);
        return features.reshape(input.Length, features.shape[2]);
    }
}
