using InternS1.Engine.Torch.Checkpoints;
using InternS1.Engine.Torch.Modeling;
using InternS1.Engine.Torch.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace InternS1.Engine.Torch.Tests;

public class ModelingTests
{
    private static TextConfig Config(int hidden = 8, int heads = 4, int kvHeads = 2, int headDim = 4, double theta = 10000) => new()
    {
        ModelType = "qwen3", VocabSize = 16, HiddenSize = hidden, IntermediateSize = 6, NumHiddenLayers = 1,
        NumAttentionHeads = heads, NumKeyValueHeads = kvHeads, HeadDimOverride = headDim, RopeTheta = theta, RmsNormEps = 1e-6,
    };

    [Fact]
    public void RMSNorm_matches_the_hand_computed_values()
    {
        using var norm = new Qwen3RMSNorm(4, 1e-6, ScalarType.Float32);
        Params.Set(norm, "weight", [1f, 0.5f, 2f, 1f]);
        using var x = tensor(new float[] { 1, 2, 3, 4 });
        var y = norm.forward(x).data<float>().ToArray();
        var rms = Math.Sqrt((1 + 4 + 9 + 16) / 4.0 + 1e-6); // 2.7386...
        double[] expected = [1 / rms, 0.5 * 2 / rms, 2 * 3 / rms, 4 / rms];
        for (var i = 0; i < 4; i++) Assert.Equal(expected[i], y[i], 1e-5);
    }

    [Fact]
    public void Rotary_embedding_rotates_pairs_i_and_i_plus_half_by_position_times_inverse_frequency()
    {
        // head_dim 4, theta 10000: inverse frequencies 1 and 1/100
        using var rope = new Qwen3RotaryEmbedding(Config(headDim: 4, theta: 10000), ScalarType.Float32);
        using var positions = tensor(new long[] { 0, 1, 2 });
        var (cos, sin) = rope.forward(positions);
        using var x = tensor(new float[] { 1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3, 4 }).reshape(3, 1, 4);
        var y = Qwen3RotaryEmbedding.Apply(x, cos, sin).data<float>().ToArray();
        for (var p = 0; p < 3; p++)
        {
            double a0 = p * 1.0, a1 = p * 0.01;
            double[] expected = [1 * Math.Cos(a0) - 3 * Math.Sin(a0), 2 * Math.Cos(a1) - 4 * Math.Sin(a1),
                                 3 * Math.Cos(a0) + 1 * Math.Sin(a0), 4 * Math.Cos(a1) + 2 * Math.Sin(a1)];
            for (var i = 0; i < 4; i++) Assert.Equal(expected[i], y[p * 4 + i], 1e-5);
        }
    }

    [Fact]
    public void Rope_scaling_linear_divides_and_yarn_blends_the_frequencies()
    {
        var plain = RopeParameters.FromConfig(Config(headDim: 4, theta: 10000));
        Assert.Equal([1.0, 0.01], plain.InverseFrequencies.Select(f => Math.Round(f, 12)));
        var linear = RopeParameters.FromConfig(Config(headDim: 4) with { RopeScaling = Json("""{"rope_type":"linear","factor":2.0}""") });
        Assert.Equal([0.5, 0.005], linear.InverseFrequencies.Select(f => Math.Round(f, 12)));

        // Qwen3's documented YaRN setting: factor 4 over 32768 original positions, head_dim 128, theta 1e6.
        // Correction range: floor(128 ln(32768/(32*2pi)) / (2 ln 1e6)) = 23, ceil(128 ln(32768/(2pi)) / (2 ln 1e6)) = 40.
        var yarn = RopeParameters.FromConfig(Config(hidden: 128, heads: 1, kvHeads: 1, headDim: 128, theta: 1e6)
            with { RopeScaling = Json("""{"rope_type":"yarn","factor":4.0,"original_max_position_embeddings":32768}""") });
        Assert.Equal(0.1 * Math.Log(4) + 1, yarn.AttentionScaling, 12);
        for (var i = 0; i < 64; i++)
        {
            var baseFreq = 1 / Math.Pow(1e6, 2.0 * i / 128);
            if (i <= 23) Assert.Equal(baseFreq, yarn.InverseFrequencies[i], 15);
            if (i >= 40) Assert.Equal(baseFreq / 4, yarn.InverseFrequencies[i], 15);
        }
        var ex = Assert.Throws<ModelConfigException>(() => RopeParameters.FromConfig(Config() with { RopeScaling = Json("""{"rope_type":"dynamic","factor":2.0}""") }));
        Assert.Contains("rope_scaling.rope_type 'dynamic'", ex.Message);
    }

    private static System.Text.Json.JsonElement Json(string text) => System.Text.Json.JsonDocument.Parse(text).RootElement.Clone();

    [Fact]
    public void Attention_over_two_packed_sequences_matches_a_hand_written_loop()
    {
        var config = Config(hidden: 8, heads: 4, kvHeads: 2, headDim: 4, theta: 10000);
        using var attn = new Qwen3Attention(config, 0, ScalarType.Float32);
        Params.Randomize(attn, 5);
        using var g = new Generator(9);
        using var x = randn(5, 8, generator: g);                   // sequence A: rows 0-1, sequence B: rows 2-4
        using var cache = new PagedKvCache(1, 4, 4, 2, 4, ScalarType.Float32);
        using var positions = tensor(new long[] { 0, 1, 0, 1, 2 });
        using var slots = tensor(new long[] { 0, 1, 8, 9, 10 });
        var batch = new AttentionBatch { Positions = positions, SlotMapping = slots, Cache = cache,
            Sequences = [new SequenceSlice(0, 2, 0, null, null), new SequenceSlice(2, 3, 0, null, null)] };
        using var rope = new Qwen3RotaryEmbedding(config, ScalarType.Float32);
        var (cos, sin) = rope.forward(positions);
        var actual = attn.forward(x, cos, sin, batch).data<float>().ToArray();

        var expected = HandAttention(attn, x.data<float>().ToArray(), [(0, 2), (2, 3)]);
        for (var i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 1e-4);
        // the new keys went to their slots: slot 9 holds sequence B's second key
        Assert.NotEqual(0f, cache.Keys(0)[9].abs().sum().item<float>());
        Assert.Equal(0f, cache.Keys(0)[2].abs().sum().item<float>());
    }

    /// <summary>Plain loops in double: projections, per-head RMSNorm, RoPE, causal softmax, GQA head map, o_proj.</summary>
    private static double[] HandAttention(nn.Module attn, float[] x, (int Start, int Length)[] seqs)
    {
        const int hidden = 8, heads = 4, kvHeads = 2, d = 4;
        double[] Proj(float[] w, int outDim, int row) =>
            Enumerable.Range(0, outDim).Select(o => Enumerable.Range(0, hidden).Sum(i => (double)w[o * hidden + i] * x[row * hidden + i])).ToArray();
        double[] NormRope(double[] v, float[] w, int pos)
        {
            var rms = Math.Sqrt(v.Average(a => a * a) + 1e-6);
            var n = v.Select((a, i) => a / rms * w[i]).ToArray();
            var r = new double[d];
            for (var i = 0; i < d / 2; i++)
            {
                var angle = pos / Math.Pow(10000, 2.0 * i / d);
                r[i] = n[i] * Math.Cos(angle) - n[i + d / 2] * Math.Sin(angle);
                r[i + d / 2] = n[i + d / 2] * Math.Cos(angle) + n[i] * Math.Sin(angle);
            }
            return r;
        }
        float[] wq = Params.Get(attn, "q_proj.weight"), wk = Params.Get(attn, "k_proj.weight"), wv = Params.Get(attn, "v_proj.weight"),
            wo = Params.Get(attn, "o_proj.weight"), qn = Params.Get(attn, "q_norm.weight"), kn = Params.Get(attn, "k_norm.weight");
        var output = new List<double>();
        foreach (var (start, length) in seqs)
        {
            var q = new double[length][][]; var k = new double[length][][]; var v = new double[length][][];
            for (var t = 0; t < length; t++)
            {
                var qa = Proj(wq, heads * d, start + t); var ka = Proj(wk, kvHeads * d, start + t); var va = Proj(wv, kvHeads * d, start + t);
                q[t] = Enumerable.Range(0, heads).Select(h => NormRope(qa[(h * d)..((h + 1) * d)], qn, t)).ToArray();
                k[t] = Enumerable.Range(0, kvHeads).Select(h => NormRope(ka[(h * d)..((h + 1) * d)], kn, t)).ToArray();
                v[t] = Enumerable.Range(0, kvHeads).Select(h => va[(h * d)..((h + 1) * d)]).ToArray();
            }
            for (var t = 0; t < length; t++)
            {
                var concat = new double[heads * d];
                for (var h = 0; h < heads; h++)
                {
                    var kvh = h / (heads / kvHeads);
                    var scores = Enumerable.Range(0, t + 1).Select(j => Enumerable.Range(0, d).Sum(i => q[t][h][i] * k[j][kvh][i]) / Math.Sqrt(d)).ToArray();
                    var max = scores.Max();
                    var e = scores.Select(s => Math.Exp(s - max)).ToArray();
                    var sum = e.Sum();
                    for (var i = 0; i < d; i++) concat[h * d + i] = Enumerable.Range(0, t + 1).Sum(j => e[j] / sum * v[j][kvh][i]);
                }
                for (var o = 0; o < hidden; o++) output.Add(Enumerable.Range(0, heads * d).Sum(i => wo[o * heads * d + i] * concat[i]));
            }
        }
        return output.ToArray();
    }

    [Theory]
    [InlineData(true, 10, true)]     // 20 pairs over 4 experts: all experts at once, rows padded
    [InlineData(false, 10, true)]
    [InlineData(true, 200, false)]   // 100 rows per expert on average: each expert on its own rows
    [InlineData(false, 200, false)]
    public void Moe_block_equals_a_naive_per_token_loop_on_both_paths(bool normTopkProb, int tokens, bool batched)
    {
        var config = Config() with { ModelType = "qwen3_moe", NumExperts = 4, NumExpertsPerTok = 2, MoeIntermediateSize = 6, NormTopkProb = normTopkProb };
        using var block = new Qwen3MoeSparseMoeBlock(config, ScalarType.Float32);
        // NOTE: randomizing the experts' parameters writes the block's stacked weights (they are views), which the batched path reads
        Params.Randomize(block, 3, scale: 0.5);
        using var g = new Generator(4);
        using var x = randn(tokens, 8, generator: g);
        var grouped = block.forward(x).data<float>().ToArray();

        // naive: token by token, expert by expert
        var naive = new List<float>();
        var rowsPerExpert = new int[4];
        for (var t = 0; t < tokens; t++)
        {
            using var xt = x.narrow(0, t, 1);
            var probs = softmax(block.gate.forward(xt), -1).data<float>().ToArray();
            var chosen = probs.Select((p, e) => (p, e)).OrderByDescending(z => z.p).Take(2).ToArray();
            foreach (var (_, e) in chosen) rowsPerExpert[e]++;
            var total = normTopkProb ? chosen.Sum(z => z.p) : 1f;
            var acc = zeros(1, 8);
            foreach (var (p, e) in chosen)
            {
                var ex = block.experts[e];
                var h = nn.functional.silu(ex.gate_proj.forward(xt)) * ex.up_proj.forward(xt);
                acc = acc + ex.down_proj.forward(h) * (p / total);
            }
            naive.AddRange(acc.data<float>().ToArray());
        }
        Assert.Equal(batched, block.UsesBatchedPath(tokens, rowsPerExpert.Max()));
        for (var i = 0; i < naive.Count; i++) Assert.Equal(naive[i], grouped[i], 1e-5);
    }

    [Fact]
    public void The_batched_moe_path_is_taken_only_for_decode_sized_batches_that_keep_most_experts_busy()
    {
        // 32 experts, 4 per token: padding every expert to one row would be 8x the real rows
        var config = Config() with { ModelType = "qwen3_moe", NumExperts = 32, NumExpertsPerTok = 4, MoeIntermediateSize = 6 };
        using var block = new Qwen3MoeSparseMoeBlock(config, ScalarType.Float32);
        Assert.False(block.UsesBatchedPath(tokens: 1, largestCount: 1));
        Assert.True(block.UsesBatchedPath(tokens: 64, largestCount: 16));     // 256 pairs, padded to 512 rows
        Assert.False(block.UsesBatchedPath(tokens: 64, largestCount: 64));    // all on one expert: 8x
        Assert.False(block.UsesBatchedPath(tokens: 512, largestCount: 70));   // 64 rows per expert on average: prefill
    }
}
