using InternS1.Engine.Requests;
using TorchSharp;
using static TorchSharp.torch;

namespace InternS1.Engine.Torch.Sampling;

/// <summary>
/// Batched sampling over full-vocabulary logits (float32, or the model's bfloat16: the top-k values are converted to
/// float32 before the temperature, so the result is that of the same logits in float32) with per-row parameters, in transformers'
/// warper order: temperature, top-k, top-p, min-p; then one inverse-CDF draw per row with
/// <see cref="SamplingRandom.Uniform"/>(seed, output index). Temperature 0 is greedy (argmax).
/// Top-p keeps the smallest prefix of the descending distribution whose mass reaches top_p (a token
/// is kept while the mass before it is below top_p); min-p drops tokens below min_p x the top probability.
/// </summary>
public static class Sampler
{
    /// <summary>Samples one token per row of <paramref name="logits"/> [B, V] (on any device; the ids come to the
    /// host in one copy).</summary>
    public static int[] Sample(Tensor logits, IReadOnlyList<SamplingParams> parameters, IReadOnlyList<int> outputIndices)
    {
        if (logits.shape[0] != parameters.Count || parameters.Count != outputIndices.Count)
            throw new ArgumentException($"{logits.shape[0]} logit rows, {parameters.Count} parameter sets, {outputIndices.Count} output indices");
        using var scope = NewDisposeScope();
        using var noGrad = torch.no_grad();
        var device = logits.device;
        var rows = parameters.Count;
        var sampled = Enumerable.Range(0, rows).Where(r => !parameters[r].IsGreedy).ToArray();
        // greedy rows: the first largest logit (computed only when there are any)
        var tokens = sampled.Length < rows ? FirstLargest(logits) : null;                   // [B] int64
        if (sampled.Length > 0)
        {
            var (probs, ids) = SortedFilteredProbabilities(logits, parameters, sampled);
            // inverse CDF: first sorted position whose cumulative mass exceeds u x total
            var cumulative = probs.cumsum(-1);
            var total = cumulative.narrow(1, cumulative.shape[1] - 1, 1);
            var u = torch.tensor(sampled.Select(r => (float)SamplingRandom.Uniform(parameters[r].Seed, outputIndices[r])).ToArray(), device: device).unsqueeze(1);
            var position = (cumulative <= u * total).sum(-1, type: ScalarType.Int64);
            var kept = probs.gt(HeldScalars.Zero).sum(-1, type: ScalarType.Int64);
            position = torch.minimum(position, kept.Minus(1)).unsqueeze(1);
            var drawn = ids.gather(1, position).squeeze(1);                                   // [S] int64
            tokens = tokens is null ? drawn : tokens.index_copy(0, torch.tensor(sampled.Select(r => (long)r).ToArray(), device: device), drawn);
        }
        // the one device -> host copy of the step
        return tokens!.cpu().data<long>().ToArray().Select(t => (int)t).ToArray();
    }

    /// <summary>The distribution each row is sampled from, [B, V] float32 in vocabulary order
    /// (zeros where masked; a one-hot argmax for greedy rows).</summary>
    public static Tensor Probabilities(Tensor logits, IReadOnlyList<SamplingParams> parameters)
    {
        using var scope = NewDisposeScope();
        using var noGrad = torch.no_grad();
        var all = Enumerable.Range(0, parameters.Count).ToArray();
        var (probs, ids) = SortedFilteredProbabilities(logits, parameters, all);
        var dense = torch.zeros(logits.shape, ScalarType.Float32, logits.device).scatter_(1, ids, probs / probs.sum(-1, keepdim: true));
        var argmax = logits.argmax(-1, keepdim: true);
        for (var r = 0; r < parameters.Count; r++)
        {
            if (!parameters[r].IsGreedy) continue;
            dense[r].zero_();
            dense[r].index_fill_(0, argmax[r], HeldScalars.One);
        }
        return dense.MoveToOuterDisposeScope();
    }

    /// <summary>Vocabulary block width of <see cref="FirstLargest"/> and <see cref="TopK"/>.</summary>
    internal const long BlockWidth = 128;

    /// <summary>The index of each row's first largest value, [B] int64, as <c>max(-1).indexes</c> (and argmax) give it.</summary>
    /// <remarks>Over a vocabulary of many blocks: the largest value of each block of <see cref="BlockWidth"/> (a
    /// vectorised <c>amax</c>), the first block holding the row's largest, then the first largest within that block
    /// (and the ids past the last whole block, which come after every block). <c>max(-1)</c> itself runs a scalar loop
    /// over every id: [64, 153216] on 2 AMX cores, bfloat16 11.6 ms against 5.4 ms this way, float32 7.3 against 2.8 ms.</remarks>
    internal static Tensor FirstLargest(Tensor logits)
    {
        if (Blocks(logits) < 32) return logits.max(-1).indexes;
        using var scope = NewDisposeScope();
        var view = BlockView(logits);                                                          // [B, blocks, W]
        var block = view.amax([-1]).max(-1).indexes;                                          // [B] first block with the max
        var (candidates, ids) = BlockCandidates(logits, view, block.unsqueeze(1));
        return ids.gather(1, candidates.max(-1).indexes.unsqueeze(1)).squeeze(1).MoveToOuterDisposeScope();
    }

    /// <summary>Each row's <paramref name="k"/> largest values, sorted descending, and their ids: <c>topk(k)</c>.</summary>
    /// <remarks>For a k small against the vocabulary: the k largest elements of a row lie in the k blocks (of
    /// <see cref="BlockWidth"/>) with the largest block maxima (any other block's maximum is below k block maxima, so
    /// below k elements), so the top-k runs over those k blocks and the ids past the last whole block. Equal values may
    /// come out in another order, or as other ids of the same value, than a full <c>topk</c> gives them.
    /// [64, 153216], k = 50, on 2 AMX cores: 11-12 ms against 20-31 ms for a full topk.</remarks>
    internal static (Tensor Values, Tensor Ids) TopK(Tensor logits, long k)
    {
        if (k * BlockWidth * 4 > logits.shape[1] || Blocks(logits) < 32)
            return logits.topk((int)k, -1, largest: true, sorted: true);
        using var scope = NewDisposeScope();
        var view = BlockView(logits);                                                          // [B, blocks, W]
        var top = view.amax([-1]).topk((int)k, -1, largest: true, sorted: false).indexes;     // [B, k] blocks
        var (candidates, ids) = BlockCandidates(logits, view, top);
        var (values, which) = candidates.topk((int)k, -1, largest: true, sorted: true);
        return (values.MoveToOuterDisposeScope(), ids.gather(1, which).MoveToOuterDisposeScope());
    }

    /// <summary>Whole blocks of <see cref="BlockWidth"/> ids in the vocabulary.</summary>
    private static long Blocks(Tensor logits) => logits.shape[1] / BlockWidth;

    /// <summary>The whole blocks of the vocabulary, [B, blocks, <see cref="BlockWidth"/>] (a view of contiguous logits).</summary>
    private static Tensor BlockView(Tensor logits) =>
        logits.contiguous().narrow(1, 0, Blocks(logits) * BlockWidth).view(logits.shape[0], Blocks(logits), BlockWidth);

    /// <summary>Each row's values in the <paramref name="selected"/> blocks ([B, n] block indices) and their ids,
    /// [B, n x W], followed by the ids past the last whole block, which no block holds.</summary>
    private static (Tensor Candidates, Tensor Ids) BlockCandidates(Tensor logits, Tensor view, Tensor selected)
    {
        var (rows, vocab) = (logits.shape[0], logits.shape[1]);
        var n = selected.shape[1];
        var whole = view.shape[1] * BlockWidth;
        var candidates = view.gather(1, selected.unsqueeze(2).expand(rows, n, BlockWidth)).view(rows, n * BlockWidth);
        var ids = selected.unsqueeze(2).Times(BlockWidth).Plus(HeldScalars.Arange(BlockWidth, logits.device).view(1, 1, BlockWidth)).view(rows, n * BlockWidth);
        if (whole == vocab) return (candidates, ids);
        var tailIds = HeldScalars.Arange(whole, vocab, logits.device).unsqueeze(0).expand(rows, vocab - whole);
        return (torch.cat([candidates, logits.narrow(1, whole, vocab - whole)], 1), torch.cat([ids, tailIds], 1));
    }

    /// <summary>For rows <paramref name="rows"/>: probabilities sorted descending ([R, K], masked
    /// entries 0, not renormalised) and their token ids ([R, K]).</summary>
    private static (Tensor Probs, Tensor Ids) SortedFilteredProbabilities(Tensor logits, IReadOnlyList<SamplingParams> parameters, int[] rows)
    {
        var vocab = logits.shape[1];
        var device = logits.device;
        var ps = rows.Select(r => parameters[r]).ToArray();
        var selected = rows.Length == logits.shape[0] && rows.Select((r, i) => r == i).All(x => x)
            ? logits : logits.index_select(0, torch.tensor(rows.Select(r => (long)r).ToArray(), device: device));
        // 1. top-k: one sorted top-K for the batch, then each row's own k
        // NOTE: before the temperature, which is positive and so keeps the order: only K values per row are scaled.
        long RowK(SamplingParams p) => p.TopK > 0 ? Math.Min(p.TopK, vocab) : vocab;
        var k = ps.Max(RowK);
        var (values, ids) = TopK(selected, k);
        // 2. temperature (greedy rows, only reachable via Probabilities, use 1)
        var temperature = torch.tensor(ps.Select(p => p.IsGreedy ? 1f : p.Temperature).ToArray(), device: device).unsqueeze(1);
        values = values.to(ScalarType.Float32) / temperature;
        var rowK = torch.tensor(ps.Select(RowK).ToArray(), device: device).unsqueeze(1);
        var rank = HeldScalars.Arange(k, device).unsqueeze(0);
        values = values.masked_fill(rank >= rowK, HeldScalars.NegativeInfinity);
        var probs = nn.functional.softmax(values, -1);
        // 3. top-p: drop a token when the mass before it already reaches top_p (rows with top_p >= 1 skip)
        var topP = torch.tensor(ps.Select(p => p.TopP >= 1f ? float.PositiveInfinity : p.TopP).ToArray(), device: device).unsqueeze(1);
        var before = probs.cumsum(-1) - probs;
        probs = probs.masked_fill(before >= topP, HeldScalars.Zero);
        // 4. min-p: drop tokens below min_p x the top probability (invariant to renormalisation)
        var minP = torch.tensor(ps.Select(p => p.MinP).ToArray(), device: device).unsqueeze(1);
        var top = probs.narrow(1, 0, 1);
        probs = probs.masked_fill(probs < minP * top, HeldScalars.Zero);
        return (probs, ids);
    }
}
