using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace InternS1.Engine.Torch.Modeling;

/// <summary>Builds torch layers with uninitialised storage (the checkpoint fills it), so building
/// a model costs neither random initialisation time nor a second copy of the weights.</summary>
internal static class Layers
{
    public static Parameter Empty(ScalarType dtype, params long[] shape) => new(torch.empty(shape, dtype), requires_grad: false);

    /// <summary>A bias-free (or biased) <c>nn.Linear</c> with weight [out, in].</summary>
    public static Linear Linear(long inFeatures, long outFeatures, ScalarType dtype, bool bias = false) =>
        nn.Linear(Empty(dtype, outFeatures, inFeatures), bias ? Empty(dtype, outFeatures) : null);
}
