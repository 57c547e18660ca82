using InternS1.Engine.Torch.Checkpoints;
using static TorchSharp.torch;

namespace InternS1.Engine.Torch.Modeling.Vision;

// Mirrors HF InternS1Model.get_image_features (= vLLM InternS1 extract_feature).

/// <summary>Pixel values of whole tiles to the projector rows that replace the image-context tokens.</summary>
public static class InternS1ImageFeatures
{
    /// <summary>
    /// Tiles [T, 3, S, S] (S = vision_config.image_size, normalised) -> [T, image_seq_length, text hidden]:
    /// tower (hidden state <c>vision_feature_layer</c>) -> drop CLS -> [T, g, g, C] -> pixel shuffle ->
    /// [T, image_seq_length, C·k²] -> projector. Runs without autograd; the result is in the
    /// projector's dtype on the modules' device (pixels must already be on that device).
    /// </summary>
    public static Tensor GetImageFeatures(InternS1VisionModel tower, InternS1MultiModalProjector projector,
        Tensor pixelValues, InternS1Config config)
    {
        var vision = config.VisionConfig
            ?? throw new ArgumentException("config has no vision_config: this checkpoint is text-only", nameof(config));
        if (config.VisionFeatureSelectStrategy != "default")
            throw new NotSupportedException(
                $"vision_feature_select_strategy '{config.VisionFeatureSelectStrategy}' is not supported (Intern-S1 uses 'default': drop CLS)");
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
        // 1. vision tower: [T, 1 + rows·cols, C]
        var hidden = tower.forward(pixelValues, config.VisionFeatureLayer);
        // 2. drop CLS and restore the patch grid: [T, rows·cols, C] -> [T, rows, cols, C]
        var channels = hidden.shape[2];
        var grid = hidden.narrow(1, 1, rows * cols).reshape(tiles, rows, cols, channels);
        // 3. pixel shuffle: [T, rows/k, cols/k, C·k²]
        var shuffled = InternS1PixelShuffle.Apply(grid, config.DownsampleRatio);
        // 4. one token per k×k block: [T, image_seq_length, C·k²]
        var tokens = shuffled.reshape(tiles, -1, shuffled.shape[3]);
        if (tokens.shape[1] != config.ImageSeqLength)
            throw new InvalidOperationException(
                $"the tower produced {tokens.shape[1]} tokens per tile but image_seq_length is {config.ImageSeqLength}");
        // 5. projector: [T, image_seq_length, text hidden]
        return projector.forward(tokens).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Same as <see cref="GetImageFeatures(InternS1VisionModel, InternS1MultiModalProjector, Tensor, InternS1Config)"/>
    /// for a flat float32 buffer [numTiles, 3, S, S] (<c>MultimodalInput.PixelValues</c>), placed on the tower's device.
    /// </summary>
    public static Tensor GetImageFeatures(InternS1VisionModel tower, InternS1MultiModalProjector projector,
        ReadOnlyMemory<float> pixelValues, int numTiles, InternS1Config config)
    {
        var vision = config.VisionConfig
            ?? throw new ArgumentException("config has no vision_config: this checkpoint is text-only", nameof(config));
        long[] shape = [numTiles, vision.NumChannels, vision.ImageSize[0], vision.ImageSize[1]];
        var expected = shape.Aggregate(1L, (a, b) => a * b);
        if (numTiles <= 0 || pixelValues.Length != expected)
            throw new ArgumentException(
                $"pixel values hold {pixelValues.Length} floats; {numTiles} tile(s) of [{string.Join(", ", shape[1..])}] need {expected}",
                nameof(pixelValues));
        var device = tower.parameters().First().device;
        using var pixels = tensor(pixelValues.ToArray(), shape, ScalarType.Float32, device);
        return GetImageFeatures(tower, projector, pixels, config);
    }
}
