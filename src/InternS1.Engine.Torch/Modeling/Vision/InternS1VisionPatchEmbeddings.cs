using InternS1.Engine.Torch.Checkpoints;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace InternS1.Engine.Torch.Modeling.Vision;

/// <summary>
/// Mirrors transformers' <c>InternS1VisionPatchEmbeddings</c>: non-overlapping patch embedding,
/// <c>projection</c> = Conv2d(num_channels, hidden, kernel = stride = patch_size, bias). Maps pixels
/// [T, 3, H, W] to row-major patch tokens [T, (H/14)·(W/14), hidden].
/// </summary>
public sealed class InternS1VisionPatchEmbeddings : nn.Module<Tensor, Tensor>
{
    public Conv2d projection;

    private readonly int _numChannels;

    public InternS1VisionPatchEmbeddings(VisionConfig config, ScalarType dtype, Device? device = null)
        : base(nameof(InternS1VisionPatchEmbeddings))
    {
        _numChannels = config.NumChannels;
        projection = Layers.PatchConv2d(config.NumChannels, config.HiddenSize, (config.PatchSize[0], config.PatchSize[1]), dtype, device);
        RegisterComponents();
    }

    /// <summary>[T, 3, H, W] -> [T, (H/14)·(W/14), hidden].</summary>
    public override Tensor forward(Tensor pixel_values)
    {
        if (pixel_values.ndim != 4 || pixel_values.shape[1] != _numChannels)
            throw new ArgumentException(
                $"pixel_values must have shape [tiles, {_numChannels}, height, width], got [{string.Join(", ", pixel_values.shape)}]",
                nameof(pixel_values));
        using var scope = NewDisposeScope();
        // 1. convolve in the weights' dtype                       [T, C, H/14, W/14]
        var grid = projection.forward(pixel_values.to(projection.weight.dtype));
        // 2. flatten the grid row-major, channels last            [T, (H/14)·(W/14), C]
        return grid.flatten(2).transpose(1, 2).MoveToOuterDisposeScope();
    }
}
