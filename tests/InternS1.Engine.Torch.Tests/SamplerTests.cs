using InternS1.Engine.Requests;
using InternS1.Engine.Torch.Sampling;
using static TorchSharp.torch;

namespace InternS1.Engine.Torch.Tests;

public class SamplerTests
{
    // probabilities 0.5, 0.3, 0.15, 0.05 at temperature 1, in a shuffled vocabulary order
    private static readonly float[] Logits = [MathF.Log(0.15f), MathF.Log(0.5f), MathF.Log(0.05f), MathF.Log(0.3f)];

    private static float[] Probabilities(SamplingParams p)
    {
        using var logits = tensor(Logits).unsqueeze(0);
        return Sampler.Probabilities(logits, [p]).data<float>().ToArray();
    }

    private static int SampleOne(SamplingParams p, int outputIndex)
    {
        using var logits = tensor(Logits).unsqueeze(0);
        return Sampler.Sample(logits, [p], [outputIndex])[0];
    }

    private static void AssertProbabilities(float[] expected, float[] actual)
    {
        for (var i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 1e-6);
    }

    /// <summary>Inverse CDF by hand over (token, probability) in descending order.</summary>
    private static int ExpectedToken(double u, params (int Token, double P)[] kept)
    {
        double cumulative = 0;
        foreach (var (token, p) in kept)
        {
            cumulative += p;
            if (u < cumulative) return token;
        }
        return kept[^1].Token;
    }

    [Fact]
    public void Temperature_zero_is_greedy()
    {
        var p = new SamplingParams { Temperature = 0 };
        AssertProbabilities([0, 1, 0, 0], Probabilities(p));
        Assert.All(Enumerable.Range(0, 20), i => Assert.Equal(1, SampleOne(p with { Seed = i }, i)));
    }

    [Fact]
    public void A_greedy_row_with_a_tied_largest_logit_takes_the_first_of_the_tied_ids()
    {
        using var logits = tensor(new float[,] { { 1f, 5f, 2f, 5f }, { 7f, 0f, 7f, 7f }, { 0f, 0f, 0f, 3f } });
        var greedy = new SamplingParams { Temperature = 0 };
        Assert.Equal([1, 0, 3], Sampler.Sample(logits, [greedy, greedy, greedy], [0, 0, 0]));
    }

    [Fact]
    public void Bfloat16_logits_sample_as_the_same_values_in_float32_would()
    {
        // logits exact in bfloat16; temperature 0.7, top-k 3 keeps ids 1 (1.0), 3 (0.5), 0 (0.0): softmax by hand
        using var logits = tensor(new float[,] { { 0f, 1f, -1f, 0.5f }, { 2f, 3f, 3f, -4f } }).to(ScalarType.BFloat16);
        var e = new[] { Math.Exp(1 / 0.7), Math.Exp(0.5 / 0.7), Math.Exp(0) };
        var (p1, p3, p0) = (e[0] / e.Sum(), e[1] / e.Sum(), e[2] / e.Sum());
        var sampled = new SamplingParams { Temperature = 0.7f, TopK = 3, TopP = 1, Seed = 11 };
        var greedy = new SamplingParams { Temperature = 0 };
        for (var i = 0; i < 20; i++)
        {
            var tokens = Sampler.Sample(logits, [sampled, greedy], [i, i]);
            Assert.Equal(ExpectedToken(SamplingRandom.Uniform(11, i), (1, p1), (3, p3), (0, p0)), tokens[0]);
            Assert.Equal(1, tokens[1]);                                          // the first of the tied largest
        }
    }

    // Vocabularies of whole blocks and with a partial last block; the largest values planted in the first block, a
    // middle one, the partial tail, and tied across blocks.
    [Theory]
    [InlineData(128 * 40, 0)]
    [InlineData(128 * 40 + 77, 1)]
    [InlineData(153216, 2)]
    public void The_first_largest_id_is_found_as_a_plain_scan_finds_it(int vocab, int seed)
    {
        var random = new Random(seed);
        var values = new float[6, vocab];
        for (var r = 0; r < 6; r++)
            for (var v = 0; v < vocab; v++) values[r, v] = (float)random.NextDouble();
        values[1, 3] = 2f;                                  // the first block
        values[2, vocab / 2] = 2f;                          // a middle block
        values[3, vocab - 1] = 2f;                          // the last id (the partial tail when there is one)
        values[4, 700] = values[4, 5000] = values[4, vocab - 2] = 3f;   // tied: the first of them
        values[5, 130] = values[5, 129] = 4f;               // tied inside one block
        using var logits = tensor(values);
        Assert.Equal(FirstLargestByScan(logits), Sampler.FirstLargest(logits).data<long>().ToArray());
        // in bfloat16 the random values tie often: still the first of the largest
        using var rounded = logits.to(ScalarType.BFloat16);
        Assert.Equal(FirstLargestByScan(rounded), Sampler.FirstLargest(rounded).data<long>().ToArray());
    }

    private static long[] FirstLargestByScan(Tensor logits)
    {
        var (rows, vocab) = ((int)logits.shape[0], (int)logits.shape[1]);
        var flat = logits.to(ScalarType.Float32).data<float>().ToArray();
        return Enumerable.Range(0, rows).Select(r =>
        {
            var best = 0;
            for (var v = 1; v < vocab; v++) if (flat[r * vocab + v] > flat[r * vocab + best]) best = v;
            return (long)best;
        }).ToArray();
    }

    [Theory]
    [InlineData(128 * 40, 5, 0)]
    [InlineData(128 * 40 + 77, 50, 1)]
    [InlineData(153216, 50, 2)]
    [InlineData(153216, 2000, 3)]          // k too large for the blocks: a plain topk
    public void Top_k_over_the_largest_blocks_gives_the_values_and_ids_a_full_sort_gives(int vocab, int k, int seed)
    {
        // distinct values (a permutation of 0..V-1, exact in float32), so a full sort has one answer
        var random = new Random(seed);
        var values = new float[3, vocab];
        for (var r = 0; r < 3; r++)
        {
            var permutation = Enumerable.Range(0, vocab).ToArray();
            random.Shuffle(permutation);
            for (var v = 0; v < vocab; v++) values[r, v] = permutation[v];
        }
        for (var j = 0; j < Math.Min(k, 128); j++) values[1, j] = vocab + j;           // the largest in the first block
        for (var j = 0; j < Math.Min(k, 60); j++) values[2, vocab - 1 - j] = vocab + j; // the largest at the end
        using var logits = tensor(values);
        var (top, ids) = Sampler.TopK(logits, k);
        for (var r = 0; r < 3; r++)
        {
            var row = r;
            var expected = Enumerable.Range(0, vocab).OrderByDescending(v => values[row, v]).Take(k).Select(v => (long)v).ToArray();
            Assert.Equal(expected, ids[r].data<long>().ToArray());
            Assert.Equal(expected.Select(v => values[row, v]).ToArray(), top[r].data<float>().ToArray());
        }
    }

    [Fact]
    public void Top_k_with_tied_bfloat16_values_gives_the_sorted_values_and_ids_that_hold_them()
    {
        // 8 distinct values over 153,216 ids: every top-k value is tied thousands of times
        var random = new Random(4);
        var values = new float[2, 153216];
        for (var r = 0; r < 2; r++)
            for (var v = 0; v < 153216; v++) values[r, v] = random.Next(8) / 8f;
        using var logits = tensor(values).to(ScalarType.BFloat16);
        var (top, ids) = Sampler.TopK(logits, 50);
        for (var r = 0; r < 2; r++)
        {
            var got = ids[r].data<long>().ToArray();
            Assert.Equal(50, got.Distinct().Count());
            Assert.All(top[r].to(ScalarType.Float32).data<float>().ToArray(), v => Assert.Equal(7 / 8f, v));
            Assert.All(got, id => Assert.Equal(7 / 8f, values[r, id]));
        }
    }

    [Fact]
    public void Top_k_keeps_the_k_most_likely_tokens()
    {
        var p = new SamplingParams { Temperature = 1, TopK = 2, TopP = 1, Seed = 3 };
        AssertProbabilities([0, 0.5f / 0.8f, 0, 0.3f / 0.8f], Probabilities(p));
        for (var i = 0; i < 10; i++)
            Assert.Equal(ExpectedToken(SamplingRandom.Uniform(3, i), (1, 0.625), (3, 0.375)), SampleOne(p, i));
    }

    [Fact]
    public void Top_p_keeps_tokens_while_the_mass_before_them_is_below_top_p()
    {
        // masses before: 0 (0.5), 0.5 (0.3), 0.8 (0.15), 0.95 (0.05); top_p 0.7 keeps the first two
        var p = new SamplingParams { Temperature = 1, TopK = 0, TopP = 0.7f, Seed = 8 };
        AssertProbabilities([0, 0.625f, 0, 0.375f], Probabilities(p));
        // top_p 0.85 keeps three
        AssertProbabilities([0.15f / 0.95f, 0.5f / 0.95f, 0, 0.3f / 0.95f], Probabilities(p with { TopP = 0.85f }));
        for (var i = 0; i < 10; i++)
            Assert.Equal(ExpectedToken(SamplingRandom.Uniform(8, i), (1, 0.625), (3, 0.375)), SampleOne(p, i));
    }

    [Fact]
    public void Min_p_drops_tokens_below_min_p_times_the_top_probability()
    {
        // threshold 0.4 x 0.5 = 0.2: keeps 0.5 and 0.3
        var p = new SamplingParams { Temperature = 1, TopK = 0, TopP = 1, MinP = 0.4f };
        AssertProbabilities([0, 0.625f, 0, 0.375f], Probabilities(p));
        // threshold 0.25 x 0.5 = 0.125: keeps 0.5, 0.3, 0.15
        AssertProbabilities([0.15f / 0.95f, 0.5f / 0.95f, 0, 0.3f / 0.95f], Probabilities(p with { MinP = 0.25f }));
    }

    [Fact]
    public void Temperature_divides_the_logits_before_the_masks()
    {
        // temperature 2: probabilities proportional to sqrt(p): sqrt(.5), sqrt(.3) with top_k 2
        var p = new SamplingParams { Temperature = 2, TopK = 2, TopP = 1 };
        double a = Math.Sqrt(0.5), b = Math.Sqrt(0.3);
        AssertProbabilities([0, (float)(a / (a + b)), 0, (float)(b / (a + b))], Probabilities(p));
    }

    [Fact]
    public void Sampling_all_disabled_follows_the_full_distribution()
    {
        var p = new SamplingParams { Temperature = 1, TopK = 0, TopP = 1, MinP = 0, Seed = 42 };
        var counts = new int[4];
        using var logits = tensor(Logits).unsqueeze(0).expand(2000, 4).contiguous();
        var tokens = Sampler.Sample(logits, Enumerable.Repeat(p, 2000).ToList(), Enumerable.Range(0, 2000).ToList());
        foreach (var t in tokens) counts[t]++;
        double[] expected = [0.15, 0.5, 0.05, 0.3];
        for (var i = 0; i < 4; i++) Assert.InRange(counts[i] / 2000.0, expected[i] - 0.04, expected[i] + 0.04);
    }

    [Fact]
    public void The_random_draw_depends_only_on_seed_and_output_index()
    {
        Assert.Equal(SamplingRandom.Uniform(7, 3), SamplingRandom.Uniform(7, 3));
        Assert.NotEqual(SamplingRandom.Uniform(7, 3), SamplingRandom.Uniform(7, 4));
        Assert.NotEqual(SamplingRandom.Uniform(7, 3), SamplingRandom.Uniform(8, 3));
        var draws = Enumerable.Range(0, 20000).Select(i => SamplingRandom.Uniform(1, i)).ToArray();
        Assert.All(draws, u => Assert.InRange(u, 0.0, 1.0 - 1e-17));
        Assert.InRange(draws.Average(), 0.49, 0.51);
        Assert.InRange(draws.Count(u => u < 0.1) / 20000.0, 0.09, 0.11);
    }

    [Fact]
    public void Rows_with_different_parameters_are_sampled_independently_in_one_batch()
    {
        using var logits = tensor(Logits.Concat(Logits).Concat(Logits).ToArray()).reshape(3, 4);
        var greedy = new SamplingParams { Temperature = 0 };
        var topK1 = new SamplingParams { Temperature = 1, TopK = 1, Seed = 5 };
        var topK2 = new SamplingParams { Temperature = 1, TopK = 2, TopP = 1, Seed = 5 };
        var tokens = Sampler.Sample(logits, [greedy, topK1, topK2], [0, 0, 9]);
        Assert.Equal(1, tokens[0]);
        Assert.Equal(1, tokens[1]);
        Assert.Equal(ExpectedToken(SamplingRandom.Uniform(5, 9), (1, 0.625), (3, 0.375)), tokens[2]);
    }
}
