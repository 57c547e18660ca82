using InternS1.Engine.Requests;
using InternS1.Engine.Torch.Sampling;
using static TorchSharp.torch;

namespace InternS1.Engine.Torch.Tests.Structured;

/// <summary>The mask step before sampling, against a naive per-id loop: -inf exactly where a row's mask has no bit,
/// rows without a mask bit for bit unchanged, both paths (in place on the CPU, boolean tensor for other devices) equal.</summary>
public sealed class TokenMasksTests
{
    private const int Vocab = 200;

    private static float[,] RandomLogits(int rows, int seed)
    {
        var rng = new Random(seed);
        var values = new float[rows, Vocab];
        for (var r = 0; r < rows; r++)
            for (var v = 0; v < Vocab; v++) values[r, v] = (float)(rng.NextDouble() * 20 - 10);
        return values;
    }

    /// <summary>Masks of every kind: none, zero and full words mixed with sparse ones, one shorter than the vocabulary
    /// (the ids past it are disallowed), a single allowed id.</summary>
    private static ulong[]?[] Masks()
    {
        var words = (Vocab + 63) / 64;
        var mixed = new ulong[words];
        mixed[0] = ulong.MaxValue;                          // ids 0..63 allowed
        mixed[1] = 0;                                       // 64..127 disallowed
        mixed[2] = 0x8000_0000_0000_0101UL;                 // 128, 136, 191
        mixed[3] = 0b1010;                                  // 193, 195
        var shortMask = new ulong[] { 0xF0 };               // 4..7, nothing past 63
        var single = new ulong[words];
        single[150 >> 6] = 1UL << (150 & 63);
        return [mixed, null, shortMask, single, null];
    }

    private static bool Allowed(ulong[] mask, int id) => (id >> 6) < mask.Length && (mask[id >> 6] >> (id & 63) & 1) != 0;

    private static void AssertMasked(float[,] before, float[] after, ulong[]?[] masks)
    {
        for (var r = 0; r < masks.Length; r++)
            for (var v = 0; v < Vocab; v++)
            {
                var expected = masks[r] is { } m && !Allowed(m, v) ? float.NegativeInfinity : before[r, v];
                Assert.True(BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(after[r * Vocab + v]),
                    $"row {r} id {v}: expected {expected}, got {after[r * Vocab + v]}");
            }
    }

    [Fact]
    public void Masked_rows_get_minus_infinity_outside_their_mask_and_other_rows_are_untouched()
    {
        var values = RandomLogits(5, 1);
        var masks = Masks();
        using var logits = tensor(values);
        Assert.Equal(3, TokenMasks.Apply(logits, masks));
        AssertMasked(values, logits.data<float>().ToArray(), masks);
    }

    [Fact]
    public void The_boolean_tensor_path_of_other_devices_gives_the_same_logits()
    {
        var values = RandomLogits(5, 2);
        var masks = Masks();
        var rows = new[] { 0, 2, 3 };
        using var logits = tensor(values);
        TokenMasks.ApplyWithBooleanMask(logits, masks, rows);
        AssertMasked(values, logits.data<float>().ToArray(), masks);
        // every row masked: masked_fill_ on the whole tensor
        var all = new ulong[]?[] { masks[0], masks[2], masks[3] };
        var three = new float[3, Vocab];
        for (var v = 0; v < Vocab; v++) (three[0, v], three[1, v], three[2, v]) = (values[0, v], values[2, v], values[3, v]);
        using var whole = tensor(three);
        TokenMasks.ApplyWithBooleanMask(whole, all, [0, 1, 2]);
        AssertMasked(three, whole.data<float>().ToArray(), all);
    }

    [Fact]
    public void Without_any_mask_nothing_changes()
    {
        var values = RandomLogits(3, 3);
        using var logits = tensor(values);
        Assert.Equal(0, TokenMasks.Apply(logits, [null, null, null]));
        AssertMasked(values, logits.data<float>().ToArray(), [null, null, null]);
    }

    [Fact]
    public void The_sampler_only_draws_allowed_ids_after_masking_greedy_and_at_temperature_one()
    {
        var masks = Masks();
        var greedy = new SamplingParams { Temperature = 0 };
        var random = new SamplingParams { Temperature = 1, TopK = 0, TopP = 1, Seed = 7 };
        for (var index = 0; index < 50; index++)
        {
            using var logits = tensor(RandomLogits(5, 100 + index));
            TokenMasks.Apply(logits, masks);
            var tokens = Sampler.Sample(logits, [greedy, random, random, greedy, random], [index, index, index, index, index]);
            for (var r = 0; r < 5; r++)
                if (masks[r] is { } m) Assert.True(Allowed(m, tokens[r]), $"row {r} drew {tokens[r]} outside its mask");
            Assert.Equal(150, tokens[3]);
        }
    }

    [Fact]
    public void Shapes_and_dtypes_that_cannot_be_masked_are_refused()
    {
        using var wrongRows = zeros(2, Vocab);
        Assert.Throws<ArgumentException>(() => TokenMasks.Apply(wrongRows, [null, null, null]));
        using var half = zeros([1, Vocab], ScalarType.BFloat16);
        Assert.Throws<ArgumentException>(() => TokenMasks.Apply(half, [new ulong[4]]));
    }
}
