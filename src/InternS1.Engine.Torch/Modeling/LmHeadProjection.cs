using TorchSharp;
using static TorchSharp.torch;

namespace InternS1.Engine.Torch.Modeling;

/// <summary>
/// The vocabulary projection, logits = hidden · Wᵀ with W [V, H], shaped for the CPU: a vocabulary of 153,216 rows makes
/// W the largest matrix of the model, and a plain <c>linear</c> at decode batch sizes runs far below the CPU's matmul
/// rate. On the CPU, 2-8 rows go through W · hiddenᵀ (the weight streamed once, like a matrix-vector product) and 9 or
/// more rows through W in row chunks of about <see cref="ChunkBytes"/>, each W_c · hiddenᵀ (its product stays in cache and
/// is copied into its columns of the output). One row, other dtypes (bfloat16 goes to oneDNN, whose <c>linear</c> is
/// the fastest at every row count) and other devices use <c>linear</c>. The result is the same product (float rounding
/// aside) in every case.
/// </summary>
public static class LmHeadProjection
{
    /// <summary>Weight bytes per chunk: twice the per-core L2 of the CPUs we measured (1 MiB), well under L3.</summary>
    public const long ChunkBytes = 2L << 20;

    /// <summary>Rows up to which W · hiddenᵀ is used instead of chunks.</summary>
    public const long ThinRows = 8;

    // NOTE: measured on a 2-core AMD EPYC (AVX2, MKL sgemm in libtorch 2.10, float32), V = 153,216, best of 7 alternated
    // runs on a shared machine (the ranking held in every run; the absolute times vary with load):
    // bfloat16 on a 2-core Intel Xeon with AMX-BF16 (oneDNN), best of 15: linear / W · hiddenᵀ / 2 MiB chunks, H = 768:
    // 1 row 22 / 23 / 33 ms, 4 rows 24 / 30 / 46, 16 rows 25 / 37 / 46, 64 rows 42 / 80 / 81: linear wins everywhere.
    // float32 on the same machine (MKL, AVX-512) ranked the three differently from run to run; the rule below is the AMD one.
    // H = 768, 64 rows: linear 300 ms, linear per 2 MiB chunk 193 ms, W_c · hiddenᵀ per 2 MiB chunk 143 ms; 16 rows: 162 /
    // 116 / 74 ms; H = 64, 64 rows: 45 / 36 / 27 ms. 4 rows, H = 768: linear 150 ms, W · hiddenᵀ 30 ms.

    /// <summary>hidden [R, H] · weight [V, H]ᵀ -> [R, V] in the weight's dtype.</summary>
    public static Tensor Project(Tensor hidden, Tensor weight)
    {
        var rows = hidden.shape[0];
        if (weight.device_type != DeviceType.CPU || rows <= 1 || weight.dtype != ScalarType.Float32)
            return nn.functional.linear(hidden, weight);
        using var scope = NewDisposeScope();
        if (rows <= ThinRows)
            return torch.mm(weight, hidden.t()).t().contiguous().MoveToOuterDisposeScope();
        var (vocab, width) = (weight.shape[0], weight.shape[1]);
        var chunk = Math.Max(64, ChunkBytes / (width * weight.element_size()) / 64 * 64);
        var output = torch.empty(new[] { rows, vocab }, weight.dtype, weight.device);
        var hiddenT = hidden.t().contiguous();                                                  // [H, R]
        for (long start = 0; start < vocab; start += chunk)
        {
            using var inner = NewDisposeScope();
            var length = Math.Min(chunk, vocab - start);
            var part = weight.narrow(0, start, length);
            output.narrow(1, start, length).copy_(torch.mm(part, hiddenT).t());              // [R, length]
        }
        return output.MoveToOuterDisposeScope();
    }
}
