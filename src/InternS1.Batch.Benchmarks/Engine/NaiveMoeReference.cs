using InternS1.Engine.Torch;
using InternS1.Engine.Torch.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace InternS1.Batch.Benchmarks.Engine;

/// <summary>The baseline the benchmark compares the grouped MoE block with: the same function
/// computed token by token, each token through its own top-k experts (what the grouped block avoids).</summary>
public static class NaiveMoeReference
{
    /// <summary>x [T, hidden] -> [T, hidden] with <paramref name="block"/>'s weights.</summary>
    public static Tensor Forward(Qwen3MoeSparseMoeBlock block, Tensor x)
    {
        using var scope = NewDisposeScope();
        var rows = new List<Tensor>();
        for (var t = 0; t < x.shape[0]; t++)
        {
            var xt = x.narrow(0, t, 1);                                                    // [1, hidden]
            var probs = nn.functional.softmax(block.gate.forward(xt).to(ScalarType.Float32), -1);
            var (weights, experts) = probs.topk(block.TopK, -1);
            if (block.NormTopkProb) weights = weights / weights.sum(-1, keepdim: true);
            var w = weights.data<float>().ToArray();
            var ids = experts.data<long>().ToArray();
            var acc = torch.zeros_like(xt);
            for (var j = 0; j < block.TopK; j++)
                acc = acc.Plus(block.experts[(int)ids[j]].forward(xt).Times(w[j]));
            rows.Add(acc);
        }
        return torch.cat(rows, 0).MoveToOuterDisposeScope();
    }
}
