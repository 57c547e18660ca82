using InternS1.Engine.Torch.Checkpoints;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace InternS1.Engine.Torch.Modeling;

/// <summary>
/// Mirrors transformers' <c>Qwen3MoeSparseMoeBlock</c>: router softmax in float32, top-k experts per
/// token, optional renormalisation (<c>norm_topk_prob</c>), and the selected experts' SwiGLU outputs
/// summed with those weights. Tokens are grouped by expert: each expert runs once on all of its
/// rows (index_select) and adds its weighted output back (index_add) — no per-token loop.
/// </summary>
public sealed class Qwen3MoeSparseMoeBlock : nn.Module<Tensor, Tensor>
{
    public Linear gate;
    public ModuleList<Qwen3MLP> experts;

    private readonly int _numExperts;
    private readonly int _topK;
    private readonly bool _normTopkProb;

    public Qwen3MoeSparseMoeBlock(TextConfig config, ScalarType dtype, Device? device = null) : base(nameof(Qwen3MoeSparseMoeBlock))
    {
        _numExperts = config.NumExperts;
        _topK = config.NumExpertsPerTok;
        _normTopkProb = config.NormTopkProb;
        gate = Layers.Linear(config.HiddenSize, _numExperts, dtype, device);
        experts = new ModuleList<Qwen3MLP>(Enumerable.Range(0, _numExperts)
            .Select(_ => new Qwen3MLP(config.HiddenSize, config.MoeIntermediateSize, dtype, device)).ToArray());
        RegisterComponents();
    }

    /// <summary>Experts per token (num_experts_per_tok).</summary>
    public int TopK => _topK;

    /// <summary>Whether the top-k weights are renormalised (norm_topk_prob).</summary>
    public bool NormTopkProb => _normTopkProb;

    /// <summary>[T, hidden] -> [T, hidden].</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var tokens = x.shape[0];
        // 1. router logits and float32 softmax                          [T, E]
        var probs = nn.functional.softmax(gate.forward(x).to(ScalarType.Float32), -1);
        // 2. top-k experts per token                                      [T, k]
        var (weights, selected) = probs.topk(_topK, -1);
        // 3. renormalise over the selected experts
        if (_normTopkProb) weights = weights / weights.sum(-1, keepdim: true);
        // 4. group the (token, slot) pairs by expert                      [T*k]
        var flatExperts = selected.reshape(-1);
        var (_, order) = flatExperts.sort(0, descending: false, stable: true);
        var tokenOfPair = torch.arange(tokens, ScalarType.Int64, x.device).repeat_interleave(_topK).index_select(0, order);
        var weightOfPair = weights.reshape(-1).index_select(0, order);
        // NOTE: the per-expert row counts are read on the host to size each expert's rows (on the CPU no copy).
        var counts = flatExperts.bincount(null, _numExperts).cpu().data<long>().ToArray();
        // 5. each expert once on its rows, weighted index_add into a float32 output
        // NOTE: float32 accumulation (HF adds in the model dtype): more exact, and CPU index_add is slow in bfloat16.
        var output = torch.zeros(x.shape, ScalarType.Float32, x.device);
        long offset = 0;
        for (var e = 0; e < _numExperts; e++)
        {
            var count = counts[e];
            if (count == 0) continue;
            var rows = tokenOfPair.narrow(0, offset, count);                      // [n_e]
            var expertOut = experts[e].forward(x.index_select(0, rows));           // [n_e, hidden]
            expertOut = expertOut.to(ScalarType.Float32) * weightOfPair.narrow(0, offset, count).unsqueeze(1);
            output.index_add_(0, rows, expertOut, 1);
            offset += count;
        }
        return output.to(x.dtype).MoveToOuterDisposeScope();
    }
}
