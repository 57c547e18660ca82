using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace InternS1.Engine.Torch.Modeling;

/// <summary>Builds torch layers with uninitialised storage (the checkpoint fills it), so building
/// a model costs neither random initialisation time nor a second copy of the weights. On the
/// <c>meta</c> device nothing is allocated at all (shape tests of the full models).</summary>
internal static class Layers
{
    public static Parameter Empty(ScalarType dtype, Device? device, params long[] shape) =>
        new(torch.empty(shape, dtype, device), requires_grad: false);

    /// <summary>A bias-free (or biased) <c>nn.Linear</c> with weight [out, in].</summary>
    public static Linear Linear(long inFeatures, long outFeatures, ScalarType dtype, Device? device, bool bias = false) =>
        nn.Linear(Empty(dtype, device, outFeatures, inFeatures), bias ? Empty(dtype, device, outFeatures) : null);

    /// <summary>An affine <c>nn.LayerNorm</c> over the last dimension: weight and bias [width].</summary>
    public static LayerNorm LayerNorm(long width, double eps, ScalarType dtype, Device? device)
    {
        // NOTE: TorchSharp builds LayerNorm and Conv2d only with initialised weights: build them on the meta
        // device (nothing allocated), then hand them empty storage like every other layer.
        var norm = nn.LayerNorm(width, eps, elementwise_affine: true, bias: true, device: META, dtype: dtype);
        norm.weight = Empty(dtype, device, width);
        norm.bias = Empty(dtype, device, width);
        return norm;
    }

    /// <summary>A biased <c>nn.Conv2d</c> with kernel = stride = <paramref name="kernel"/> (patch embedding):
    /// weight [out, in, kh, kw], bias [out].</summary>
    public static Conv2d PatchConv2d(long inChannels, long outChannels, (long Height, long Width) kernel, ScalarType dtype, Device? device)
    {
        var conv = nn.Conv2d(inChannels, outChannels, kernel_size: kernel, stride: kernel, bias: true, device: META, dtype: dtype);
        conv.weight = Empty(dtype, device, outChannels, inChannels, kernel.Height, kernel.Width);
        conv.bias = Empty(dtype, device, outChannels);
        return conv;
    }
}
