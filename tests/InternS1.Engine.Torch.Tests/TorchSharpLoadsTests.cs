using static TorchSharp.torch;

namespace InternS1.Engine.Torch.Tests;

/// <summary>Guards the Debian 12 build fix (Directory.Build.targets): libtorch must load and compute.</summary>
public class TorchSharpLoadsTests
{
    [Fact]
    public void A_small_matmul_gives_the_hand_computed_product()
    {
        using var a = tensor(new float[] { 1, 2, 3, 4 }, 2, 2);
        using var b = tensor(new float[] { 5, 6, 7, 8 }, 2, 2);
        using var c = a.matmul(b);
        Assert.Equal(new float[] { 19, 22, 43, 50 }, c.data<float>().ToArray());
    }
}
