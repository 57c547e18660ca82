using InternS1.Engine.Torch.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace InternS1.Engine.Torch.Tests;

public class LmHeadProjectionTests
{
    // H = 8 floats per row: a 2 MiB chunk holds 65,536 vocabulary rows, so 70,001 rows make a second, partial chunk
    private const int Hidden = 8;
    private const int Vocab = 70_001;

    [Theory]
    [InlineData(1)]     // linear
    [InlineData(4)]     // W · hiddenᵀ
    [InlineData(8)]
    [InlineData(9)]     // chunks
    [InlineData(33)]
    public void Logits_equal_a_hand_computed_dot_product_of_every_row_with_every_vocabulary_row(int rows)
    {
        using var g = new Generator(11);
        using var weight = randn(Vocab, Hidden, generator: g);
        using var hidden = randn(rows, Hidden, generator: g);
        using var logits = LmHeadProjection.Project(hidden, weight);
        Assert.Equal(new long[] { rows, Vocab }, logits.shape);
        Assert.True(logits.is_contiguous());

        var w = weight.data<float>().ToArray();
        var h = hidden.data<float>().ToArray();
        var got = logits.data<float>().ToArray();
        var worst = 0.0;
        for (var r = 0; r < rows; r++)
            for (var v = 0; v < Vocab; v++)
            {
                double dot = 0;
                for (var k = 0; k < Hidden; k++) dot += (double)h[r * Hidden + k] * w[v * Hidden + k];
                worst = Math.Max(worst, Math.Abs(dot - got[(long)r * Vocab + v]));
            }
        Assert.True(worst < 1e-4, $"largest difference {worst}");
    }

    [Fact]
    public void Logits_for_a_hidden_size_wider_than_the_chunk_budget_allows_equal_a_float64_product()
    {
        // 2 MiB / (9,000 x 4 B) = 58 rows: the chunk is rounded up to its floor of 64 rows
        using var g = new Generator(12);
        using var weight = randn(200, 9_000, generator: g);
        using var hidden = randn(12, 9_000, generator: g);
        using var expected = matmul(hidden.to(ScalarType.Float64), weight.to(ScalarType.Float64).t());
        using var logits = LmHeadProjection.Project(hidden, weight);
        Assert.True((logits.to(ScalarType.Float64) - expected).abs().max().item<double>() < 1e-3);
    }
}
