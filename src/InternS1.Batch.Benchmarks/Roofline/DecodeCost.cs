using InternS1.Engine.Torch.Checkpoints;

namespace InternS1.Batch.Benchmarks.Roofline;

/// <summary>
/// What one decode token costs, counted from config.json: the floating-point operations of every matrix product
/// it goes through (q/k/v/o projections, the router and the top-k experts or the dense MLP, attention over its
/// context, lm_head: 2 per multiply-add), and the weight bytes one sequence decoding alone reads per token (every
/// non-expert weight, the top-k experts of each MoE layer, lm_head and one embedding row). Norms and rotary
/// embeddings are left out (less than 0.1% of either).
/// </summary>
/// <param name="FlopsPerToken">Floating-point operations per decoded token.</param>
/// <param name="WeightBytesPerToken">Weight bytes read per token by a single sequence.</param>
/// <param name="Context">The context length the attention part was counted for.</param>
public sealed record DecodeCost(double FlopsPerToken, long WeightBytesPerToken, double Context)
{
    /// <summary>The cost for <paramref name="text"/> with weights of <paramref name="elementBytes"/> bytes, at a mean context of <paramref name="context"/> tokens.</summary>
    public static DecodeCost For(TextConfig text, int elementBytes, double context)
    {
        long h = text.HiddenSize, d = text.HeadDim, q = text.NumAttentionHeads * d, kv = text.KeyValueHeads * d;
        double macs = 0;
        long weights = 0;
        for (var l = 0; l < text.NumHiddenLayers; l++)
        {
            var projections = h * (q + 2 * kv) + q * h;                     // q, k, v, o
            weights += projections;
            macs += projections + 2.0 * q * context;                       // + scores and weighted values
            if (text.IsSparseLayer(l))
            {
                var experts = (long)text.NumExpertsPerTok * 3 * h * text.MoeIntermediateSize;
                weights += h * text.NumExperts + experts;                   // router + the selected experts
                macs += h * text.NumExperts + experts;
            }
            else
            {
                var mlp = 3 * h * text.IntermediateSize;
                weights += mlp;
                macs += mlp;
            }
        }
        var head = h * text.VocabSize;
        weights += head + h;                                                // lm_head + one embedding row
        macs += head;
        return new DecodeCost(2 * macs, weights * elementBytes, context);
    }
}
