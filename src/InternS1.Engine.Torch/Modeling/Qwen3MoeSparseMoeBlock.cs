using InternS1.Engine.Torch.Checkpoints;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace InternS1.Engine.Torch.Modeling;

/// <summary>
/// Mirrors transformers' <c>Qwen3MoeSparseMoeBlock</c>: router softmax in float32, top-k experts per
/// token, optional renormalisation (<c>norm_topk_prob</c>), and the selected experts' SwiGLU outputs
/// summed with those weights. Tokens are grouped by expert, never looped per token. The experts' weights live in two
/// stacked tensors (gate;up [E, 2I, H] and down [E, H, I]); each expert's <c>gate_proj</c>/<c>up_proj</c>/<c>down_proj</c>
/// weight is a view into them, so the checkpoint names and the loader are unchanged. Two paths:
/// <list type="bullet">
/// <item>few rows per expert with most experts in use (decode batches): every expert at once, two batched matmuls over
/// the stacked weights with each expert's rows padded to the largest count;</item>
/// <item>otherwise (a lone token, prefill): each expert that has rows runs once on them (index_select, index_add).</item>
/// </list>
/// </summary>
public sealed class Qwen3MoeSparseMoeBlock : nn.Module<Tensor, Tensor>
{
    public Linear gate;
    public ModuleList<Qwen3MLP> experts;

    /// <summary>Mean rows per expert up to which the batched path is considered.</summary>
    public const int BatchedMaxMeanRows = 32;

    /// <summary>The batched path pads every expert to the largest count; it is taken when that costs at most this many
    /// times the real rows (a lone token would make every expert read its weights for 1/E of the work).</summary>
    public const int BatchedMaxPadding = 4;

    private readonly int _numExperts;
    private readonly int _topK;
    private readonly bool _normTopkProb;
    private readonly long _intermediate;
    // NOTE: an array, not Tensor fields: RegisterComponents would register those as buffers with names of their own.
    private readonly Tensor[] _stacked;                                       // gate;up [E, 2I, H], down [E, H, I]

    public Qwen3MoeSparseMoeBlock(TextConfig config, ScalarType dtype, Device? device = null) : base(nameof(Qwen3MoeSparseMoeBlock))
    {
        _numExperts = config.NumExperts;
        _topK = config.NumExpertsPerTok;
        _normTopkProb = config.NormTopkProb;
        _intermediate = config.MoeIntermediateSize;
        long e = _numExperts, h = config.HiddenSize, i = _intermediate;
        _stacked = [torch.empty(new[] { e, 2 * i, h }, dtype, device), torch.empty(new[] { e, h, i }, dtype, device)];
        gate = Layers.Linear(config.HiddenSize, _numExperts, dtype, device);
        experts = new ModuleList<Qwen3MLP>(Enumerable.Range(0, _numExperts).Select(x => new Qwen3MLP(
            _stacked[0][x].narrow(0, 0, i), _stacked[0][x].narrow(0, i, i), _stacked[1][x])).ToArray());
        RegisterComponents();
    }

    /// <summary>Experts per token (num_experts_per_tok).</summary>
    public int TopK => _topK;

    /// <summary>Whether the top-k weights are renormalised (norm_topk_prob).</summary>
    public bool NormTopkProb => _normTopkProb;

    /// <summary>Whether <paramref name="tokens"/> tokens whose busiest expert has <paramref name="largestCount"/> rows
    /// take the batched path.</summary>
    public bool UsesBatchedPath(long tokens, long largestCount)
    {
        var pairs = tokens * _topK;
        return pairs <= (long)BatchedMaxMeanRows * _numExperts && largestCount * _numExperts <= BatchedMaxPadding * pairs;
    }

    /// <summary>[T, hidden] -> [T, hidden].</summary>
    public override Tensor forward(Tensor x)
    {
        var tokens = x.shape[0];
        if (tokens == 0) return torch.zeros_like(x);
        using var scope = NewDisposeScope();
        // 1. router logits and float32 softmax                          [T, E]
        var probs = nn.functional.softmax(gate.forward(x).to(ScalarType.Float32), -1);
        // 2. top-k experts per token                                      [T, k]
        var (weights, selected) = probs.topk(_topK, -1);
        // 3. renormalise over the selected experts
        if (_normTopkProb) weights = weights / weights.sum(-1, keepdim: true);
        // 4. group the (token, slot) pairs by expert                      [T*k]
        var flatExperts = selected.reshape(-1);
        var (sortedExperts, order) = flatExperts.sort(0, descending: false, stable: true);
        var tokenOfPair = order.FloorDivide(_topK);
        var weightOfPair = weights.reshape(-1).index_select(0, order).unsqueeze(1);    // [T*k, 1] float32
        // NOTE: the per-expert row counts are read on the host to size each expert's rows (on the CPU no copy).
        var counts = flatExperts.bincount(null, _numExperts).cpu().data<long>().ToArray();
        // 5. the experts' weighted outputs, index_add-ed into a float32 output
        // NOTE: float32 accumulation (HF adds in the model dtype): more exact, and CPU index_add is slow in bfloat16.
        var largest = counts.Max();
        var expertOut = UsesBatchedPath(tokens, largest)
            ? Batched(x, sortedExperts, tokenOfPair, counts, largest)
            : Grouped(x, tokenOfPair, counts);                                          // [T*k, hidden], pair order
        var output = torch.zeros(x.shape, ScalarType.Float32, x.device)
            .index_add_(0, tokenOfPair, expertOut.to(ScalarType.Float32) * weightOfPair, HeldScalars.One);
        return output.to(x.dtype).MoveToOuterDisposeScope();
    }

    /// <summary>Each expert with rows, once on them: [T*k, hidden] in pair order.</summary>
    private Tensor Grouped(Tensor x, Tensor tokenOfPair, long[] counts)
    {
        var outputs = new List<Tensor>(_numExperts);
        long offset = 0;
        for (var e = 0; e < _numExperts; e++)
        {
            var count = counts[e];
            if (count == 0) continue;
            outputs.Add(experts[e].forward(x.index_select(0, tokenOfPair.narrow(0, offset, count))));   // [n_e, hidden]
            offset += count;
        }
        return outputs.Count == 1 ? outputs[0] : torch.cat(outputs, 0);
    }

    /// <summary>All experts at once over their rows padded to the largest count (<paramref name="rows"/>): [T*k, hidden]
    /// in pair order.</summary>
    private Tensor Batched(Tensor x, Tensor sortedExperts, Tensor tokenOfPair, long[] counts, long rows)
    {
        long e = _numExperts, i = _intermediate, hidden = x.shape[1], pairs = tokenOfPair.shape[0];
        // the pair's row in [E * rows]: its expert's block, then its rank among that expert's pairs
        var starts = new long[counts.Length];
        for (var k = 1; k < counts.Length; k++) starts[k] = starts[k - 1] + counts[k - 1];
        var rank = HeldScalars.Arange(pairs, x.device) - torch.tensor(starts, device: x.device).index_select(0, sortedExperts);
        var slot = sortedExperts.Times(rows).Plus(rank);                                                 // [T*k]
        var padded = torch.zeros(new[] { e * rows, hidden }, x.dtype, x.device)
            .index_copy_(0, slot, x.index_select(0, tokenOfPair)).view(e, rows, hidden);        // [E, rows, H]
        var gateUp = torch.bmm(padded, _stacked[0].transpose(1, 2));                            // [E, rows, 2I]
        var h = nn.functional.silu(gateUp.narrow(2, 0, i)) * gateUp.narrow(2, i, i);            // [E, rows, I]
        var down = torch.bmm(h, _stacked[1].transpose(1, 2)).view(e * rows, hidden);             // [E * rows, H]
        return down.index_select(0, slot);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            foreach (var t in _stacked) t.Dispose();
        base.Dispose(disposing);
    }
}
