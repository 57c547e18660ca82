using static TorchSharp.torch;

namespace InternS1.Engine.Torch.Modeling.Vision;

/// <summary>
/// Mirrors transformers' <c>InternS1Model.pixel_shuffle</c> (= vLLM / xtuner InternVL pixel shuffle),
/// space-to-depth for the vision tokens: with k = 1/downsample_ratio (2 for Intern-S1),
/// <c>out[t, i, j, (s·k + u)·C + ch] = x[t, k·i + s, k·j + u, ch]</c> (s = row offset, u = column
/// offset), i.e. each output token concatenates the k×k patch block in row-major order.
/// </summary>
public static class InternS1PixelShuffle
{
    /// <summary>[T, rows, cols, C] -> [T, rows/k, cols/k, C·k²], computed with HF's view/permute sequence.</summary>
    public static Tensor Apply(Tensor vision_features, double downsampleRatio)
    {
        if (vision_features.ndim != 4)
            throw new ArgumentException(
                $"pixel shuffle expects [tiles, rows, cols, channels], got [{string.Join(", ", vision_features.shape)}]",
                nameof(vision_features));
        var k = Factor(downsampleRatio);
        var (n, w, h, c) = (vision_features.shape[0], vision_features.shape[1], vision_features.shape[2], vision_features.shape[3]);
        if (w % k != 0 || h % k != 0)
            throw new ArgumentException($"pixel shuffle needs rows ({w}) and cols ({h}) divisible by {k} (downsample_ratio {downsampleRatio})",
                nameof(vision_features));
        using var scope = NewDisposeScope();
        // 1. fold k neighbouring columns into channels: [n, w, h, c] -> [n, w, h/k, c·k]
        var x = vision_features.view(n, w, h / k, c * k);
        // 2. swap the spatial axes: [n, h/k, w, c·k]
        x = x.permute(0, 2, 1, 3).contiguous();
        // 3. fold k neighbouring rows into channels: [n, h/k, w/k, c·k²]
        x = x.view(n, h / k, w / k, c * k * k);
        // 4. swap back: [n, w/k, h/k, c·k²]
        return x.permute(0, 2, 1, 3).contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>k = 1/downsample_ratio; refuses ratios whose inverse is not a whole number.</summary>
    public static int Factor(double downsampleRatio)
    {
        if (downsampleRatio <= 0 || downsampleRatio > 1)
            throw new ArgumentOutOfRangeException(nameof(downsampleRatio), downsampleRatio, "downsample_ratio must be in (0, 1]");
        var inverse = 1.0 / downsampleRatio;
        var k = (int)Math.Round(inverse);
        if (Math.Abs(inverse - k) > 1e-9)
            throw new ArgumentOutOfRangeException(nameof(downsampleRatio), downsampleRatio,
                "downsample_ratio must be 1/k for a whole number k (Intern-S1 uses 0.5)");
        return k;
    }
}
