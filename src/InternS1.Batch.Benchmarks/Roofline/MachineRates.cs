using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace InternS1.Batch.Benchmarks.Roofline;

/// <summary>
/// The machine's ceilings as libtorch reaches them in this process, in the dtype and with the thread count in force:
/// a large square matmul (FLOP/s; n = <see cref="MatmulSize"/>) and a large copy (bytes copied per second; each byte is
/// read once and written once), the fastest of a few runs each.
/// </summary>
/// <param name="MatmulFlopsPerSecond">2 n³ / seconds of an n x n by n x n matmul.</param>
/// <param name="CopyBytesPerSecond">Bytes of a <see cref="CopyBytes"/>-byte tensor copied per second.</param>
/// <param name="Dtype">The matmul's dtype.</param>
/// <param name="Threads">torch's intra-op threads during the measurement.</param>
public sealed record MachineRates(double MatmulFlopsPerSecond, double CopyBytesPerSecond, string Dtype, int Threads)
{
    public const int MatmulSize = 2048;
    public const long CopyBytes = 256L << 20;

    /// <summary>Measures both rates (about a second or two on one core).</summary>
    public static MachineRates Measure(ScalarType dtype, int repeats = 3)
    {
        using var noGrad = torch.no_grad();
        using var scope = NewDisposeScope();
        using var generator = new Generator(11);
        var a = torch.randn([MatmulSize, MatmulSize], generator: generator).to(dtype);
        var b = torch.randn([MatmulSize, MatmulSize], generator: generator).to(dtype);
        var matmul = Fastest(() => a.mm(b).Dispose(), repeats);
        var source = torch.randn([CopyBytes / 4], generator: generator);
        var target = torch.empty_like(source);
        var copy = Fastest(() => target.copy_(source), repeats);
        return new MachineRates(2.0 * MatmulSize * MatmulSize * MatmulSize / matmul, CopyBytes / copy,
            dtype == ScalarType.BFloat16 ? "bfloat16" : dtype.ToString().ToLowerInvariant(), torch.get_num_threads());
    }

    private static double Fastest(Action action, int repeats)
    {
        action();
        var best = double.MaxValue;
        for (var r = 0; r < Math.Max(1, repeats); r++)
        {
            var watch = Stopwatch.StartNew();
            action();
            best = Math.Min(best, watch.Elapsed.TotalSeconds);
        }
        return best;
    }
}
