using InternS1.Batch.Benchmarks.Engine;
using InternS1.Engine.Torch.Tests.Support;

namespace InternS1.Batch.Benchmarks.Tests;

/// <summary>The benchmarks hand TorchSharp only held scalars (see <c>HeldScalars</c>): a temporary one freed by a GC
/// mid-call once failed <c>bench engine</c> with "Unknown scalar type".</summary>
public class TemporaryScalarTests
{
    [Fact]
    public void The_benchmarks_pass_TorchSharp_only_held_scalars()
    {
        TemporaryScalarScan.AssertNone(typeof(EngineBenchmark).Assembly);
    }
}
