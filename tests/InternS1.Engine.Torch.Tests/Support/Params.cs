using TorchSharp;
using static TorchSharp.torch;

namespace InternS1.Engine.Torch.Tests.Support;

/// <summary>Sets a module's parameters by checkpoint name.</summary>
internal static class Params
{
    public static void Set(nn.Module module, string name, float[] values)
    {
        var p = module.named_parameters().Single(x => x.name == name).parameter;
        using var noGrad = torch.no_grad();
        using var src = tensor(values).reshape(p.shape);
        p.copy_(src);
    }

    /// <summary>Fills every parameter with seeded normal values scaled by <paramref name="scale"/> (norm weights near 1).</summary>
    public static void Randomize(nn.Module module, long seed, double scale = 0.3)
    {
        using var g = new Generator((ulong)seed);
        using var noGrad = torch.no_grad();
        foreach (var (name, p) in module.named_parameters())
        {
            using var r = randn(p.shape, generator: g);
            using var v = name.Contains("norm") ? r * 0.1 + 1.0 : r * scale;
            p.copy_(v);
        }
    }

    public static float[] Get(nn.Module module, string name) =>
        module.named_parameters().Single(x => x.name == name).parameter.data<float>().ToArray();
}
