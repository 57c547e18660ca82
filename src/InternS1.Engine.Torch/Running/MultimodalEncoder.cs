using InternS1.Engine.Requests;
using InternS1.Engine.Torch.Checkpoints;
using InternS1.Engine.Torch.Modeling;
using static TorchSharp.torch;

namespace InternS1.Engine.Torch.Running;

/// <summary>
/// <see cref="IMultimodalEncoder"/> over a loaded <see cref="InternS1Model"/>'s <c>vision_tower</c> and
/// <c>multi_modal_projector</c>: one run's tiles (an image with its thumbnail, or one video frame) through
/// <see cref="InternS1Model.GetImageFeatures"/> -> [NumTiles x image_seq_length, text hidden] in the model dtype.
/// </summary>
public sealed class MultimodalEncoder : IMultimodalEncoder
{
    private readonly InternS1Model _model;
    private readonly VisionConfig _vision;
    private readonly Device _device;

    /// <summary>Wraps <paramref name="model"/>, whose vision half must be built and loaded.</summary>
    public MultimodalEncoder(InternS1Model model)
    {
        if (!model.HasVision || model.Config.VisionConfig is null)
            throw new ArgumentException("the model's vision tower and projector were not built", nameof(model));
        _model = model;
        _vision = model.Config.VisionConfig;
        _device = model.vision_tower!.parameters().First().device;
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
        // 1. the run's pixels as whole tiles on the tower's device   [T, 3, S, S]
        using var pixels = tensor(input.PixelValues.ToArray(),
            [input.NumTiles, _vision.NumChannels, _vision.ImageSize[0], _vision.ImageSize[1]], ScalarType.Float32, _device);
        // 2. image features                                          [T, image_seq_length, hidden]
        using var features = _model.GetImageFeatures(pixels);
        // 3. one row per placeholder                                 [Length, hidden]
        return features.reshape(input.Length, features.shape[2]);
    }
}
