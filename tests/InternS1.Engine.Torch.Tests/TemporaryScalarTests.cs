using InternS1.Engine.Torch.Checkpoints;
using InternS1.Engine.Torch.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace InternS1.Engine.Torch.Tests;

/// <summary>No engine code hands TorchSharp a temporary scalar (a GC during the native call can free it: see
/// <see cref="HeldScalars"/>).</summary>
public class TemporaryScalarTests
{
    [Fact]
    public void The_engine_passes_TorchSharp_only_held_scalars()
    {
        TemporaryScalarScan.AssertNone(typeof(TinyCheckpointWriter).Assembly);
    }

    [Fact]
    public void The_scan_finds_each_kind_of_temporary_scalar_and_passes_held_ones()
    {
        Assert.Contains(TemporaryScalarScan.UnsafeTorchSharp, m => m.Name == "add" && m.GetParameters() is [{ ParameterType: var p }] && p == typeof(Tensor));
        var found = TemporaryScalarScan.Find(typeof(Samples));
        Assert.Contains(found, f => f.Contains(".Implicit: Scalar.op_Implicit(Double)"));
        Assert.Contains(found, f => f.Contains(".Operator: Tensor.op_Multiply(Tensor, Double)"));
        Assert.Contains(found, f => f.Contains(".InlineToScalar: ScalarExtensionMethods.ToScalar(Double)"));
        Assert.Contains(found, f => f.Contains(".AddOfTensors: Tensor.op_Addition(Tensor, Tensor)"));
        Assert.Contains(found, f => f.Contains(".AddWithoutAlpha: Tensor.add(Tensor)"));
        Assert.Contains(found, f => f.Contains("<InLambda>") && f.Contains("ToScalar(Double)"));
        Assert.DoesNotContain(found, f => f.Contains(".Held"));
        Assert.Equal(6, found.Count);
    }

    /// <summary>Each kind the scan must find, and the held forms it must pass.</summary>
    private static class Samples
    {
        public static Tensor Implicit(Tensor x) => x.mul(0.5);
        public static Tensor Operator(Tensor x) => x * 0.5;
        public static Tensor InlineToScalar(Tensor x) => x.mul(0.5.ToScalar());
        public static Tensor AddOfTensors(Tensor x, Tensor y) => x + y;
        public static Tensor AddWithoutAlpha(Tensor x, Tensor y) => x.add(y);
        public static Func<Tensor, Tensor> InLambda() => x => x.add(1.5.ToScalar(), HeldScalars.One);

        public static Tensor HeldInField(Tensor x, Tensor y) => x.add(y, HeldScalars.One).mul(HeldScalars.Two);
        public static Tensor HeldHelpers(Tensor x) => x.Times(0.5).Plus(1.0).Plus(x);
    }
}
