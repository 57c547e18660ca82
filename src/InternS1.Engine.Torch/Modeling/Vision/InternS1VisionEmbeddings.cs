using InternS1.Engine.Torch.Checkpoints;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace InternS1.Engine.Torch.Modeling.Vision;

/// <summary>
/// Mirrors transformers' <c>InternS1VisionEmbeddings</c>: <c>cls_token</c> [1, 1, C], <c>patch_embeddings</c>,
/// <c>position_embeddings</c> [1, 1 + N, C] (N = patches of a config-sized tile, 32×32 for 448/14). For an input
/// whose patch grid is not the config grid, the patch part of the position table is resized with bicubic
/// interpolation (align_corners = false), as HF <c>interpolate_pos_encoding</c> does.
/// </summary>
public sealed class InternS1VisionEmbeddings : nn.Module<Tensor, Tensor>
{
    public Parameter cls_token;
    public Parameter? mask_token;
    public InternS1VisionPatchEmbeddings patch_embeddings;
    public Parameter? position_embeddings;

    private readonly int _gridHeight;
    private readonly int _gridWidth;
    private readonly int _patchHeight;
    private readonly int _patchWidth;

    public InternS1VisionEmbeddings(VisionConfig config, ScalarType dtype, Device? device = null) : base(nameof(InternS1VisionEmbeddings))
    {
        _patchHeight = config.PatchSize[0];
        _patchWidth = config.PatchSize[1];
        _gridHeight = config.ImageSize[0] / _patchHeight;
        _gridWidth = config.ImageSize[1] / _patchWidth;
        long hidden = config.HiddenSize;
        cls_token = Layers.Empty(dtype, device, 1, 1, hidden);
        // NOTE: mask_token exists only so a checkpoint saved with use_mask_token loads; inference never masks.
        if (config.UseMaskToken)
            mask_token = Layers.Empty(dtype, device, 1, 1, hidden);
        patch_embeddings = new InternS1VisionPatchEmbeddings(config, dtype, device);
        if (config.UseAbsolutePositionEmbeddings)
            position_embeddings = Layers.Empty(dtype, device, 1, 1 + _gridHeight * _gridWidth, hidden);
        RegisterComponents();
    }

    /// <summary>[T, 3, H, W] -> [T, 1 + gh·gw, C].</summary>
    public override Tensor forward(Tensor pixel_values)
    {
        using var scope = NewDisposeScope();
        var tiles = pixel_values.shape[0];
        var gridHeight = pixel_values.shape[2] / _patchHeight;
        var gridWidth = pixel_values.shape[3] / _patchWidth;
        // 1. patch tokens                                          [T, gh·gw, C]
        var patches = patch_embeddings.forward(pixel_values);
        // 2. prepend CLS                                           [T, 1 + gh·gw, C]
        var cls = cls_token.expand(tiles, -1, -1);
        var embeddings = torch.cat([cls, patches], dim: 1);
        // 3. absolute positions, resized when the grid differs     [T, 1 + gh·gw, C]
        if (position_embeddings is not null)
            embeddings = embeddings.Plus(PositionTable(position_embeddings, gridHeight, gridWidth));
        return embeddings.MoveToOuterDisposeScope();
    }

    /// <summary>The position table for a gh×gw patch grid: [1, 1 + gh·gw, C].</summary>
    private Tensor PositionTable(Tensor table, long gridHeight, long gridWidth)
    {
        if (gridHeight == _gridHeight && gridWidth == _gridWidth)
            return table;
        var hidden = table.shape[2];
        // 1. split CLS and patch positions                         [1, 1, C] and [1, gh0·gw0, C]
        var clsPosition = table.narrow(1, 0, 1);
        var patchPositions = table.narrow(1, 1, _gridHeight * _gridWidth);
        // 2. to an image layout                                    [1, gh0, gw0, C] -> [1, C, gh0, gw0]
        var image = patchPositions.reshape(1, _gridHeight, _gridWidth, hidden).permute(0, 3, 1, 2);
        // 3. bicubic resize, align_corners = false                 [1, C, gh, gw]
        // NOTE: computed in float32 and cast back, so bfloat16 weights need no bf16 bicubic kernel.
        var resized = nn.functional.interpolate(image.to(ScalarType.Float32), size: [gridHeight, gridWidth],
            mode: InterpolationMode.Bicubic, align_corners: false).to(table.dtype);
        // 4. back to tokens                                        [1, C, gh, gw] -> [1, gh, gw, C] -> [1, gh·gw, C]
        var tokens = resized.permute(0, 2, 3, 1).reshape(1, gridHeight * gridWidth, hidden);
        return torch.cat([clsPosition, tokens], dim: 1);
    }
}
