using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace InternS1.Engine.Torch.Tests.Support;

/// <summary>
/// An independent, deliberately naive float64 forward pass of an Intern-S1 text model, written from
/// the equations in notes §3.2: weights read with <see cref="TestSafetensors"/>, config read with
/// JsonDocument, attention head by head with an explicit causal mask, MoE token by token over the
/// selected experts, RoPE pair by pair. Returns logits for every position.
/// </summary>
internal sealed class NaiveQwen3Reference
{
    private readonly Dictionary<string, TestSafetensors.Entry> _w;
    private readonly JsonElement _t;

    public NaiveQwen3Reference(string directory)
    {
        _w = TestSafetensors.ReadFolder(directory);
        _t = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "config.json"))).RootElement.GetProperty("text_config").Clone();
    }

    private int I(string key) => _t.GetProperty(key).GetInt32();

    private Tensor W(string name)
    {
        var e = _w["model.language_model." + name];
        return torch.tensor(e.ToFloats().Select(f => (double)f).ToArray(), ScalarType.Float64).reshape(e.Shape);
    }

    private Tensor Rms(Tensor x, Tensor weight)
    {
        var eps = _t.GetProperty("rms_norm_eps").GetDouble();
        return x / (x.pow(2).mean([-1], keepdim: true) + eps).sqrt() * weight;
    }

    /// <summary>Logits [S, vocab] (float64) of every position of <paramref name="ids"/>.</summary>
    public Tensor Logits(IReadOnlyList<int> ids)
    {
        using var scope = NewDisposeScope();
        int hq = I("num_attention_heads"), hkv = I("num_key_value_heads"), d = I("head_dim"), s = ids.Count;
        var theta = _t.GetProperty("rope_theta").GetDouble();
        var moe = _t.TryGetProperty("num_experts", out var ne) && ne.GetInt32() > 0;
        var h = W("embed_tokens.weight").index_select(0, torch.tensor(ids.Select(i => (long)i).ToArray()));
        for (var l = 0; l < I("num_hidden_layers"); l++)
        {
            var p = $"layers.{l}.";
            var x = Rms(h, W(p + "input_layernorm.weight"));
            var q = x.matmul(W(p + "self_attn.q_proj.weight").t()).reshape(s, hq, d);
            var k = x.matmul(W(p + "self_attn.k_proj.weight").t()).reshape(s, hkv, d);
            var v = x.matmul(W(p + "self_attn.v_proj.weight").t()).reshape(s, hkv, d);
            q = Rope(Rms(q, W(p + "self_attn.q_norm.weight")), theta);
            k = Rope(Rms(k, W(p + "self_attn.k_norm.weight")), theta);
            var heads = new List<Tensor>();
            for (var head = 0; head < hq; head++)
            {
                var kvHead = head / (hq / hkv);
                var qh = q.select(1, head);                       // [S, D]
                var kh = k.select(1, kvHead);
                var vh = v.select(1, kvHead);
                var scores = qh.matmul(kh.t()) / Math.Sqrt(d);   // [S, S]
                var mask = torch.ones(s, s, ScalarType.Bool).triu(1);
                scores = scores.masked_fill(mask, double.NegativeInfinity);
                heads.Add(scores.softmax(-1).matmul(vh));
            }
            h = h + torch.cat(heads, 1).matmul(W(p + "self_attn.o_proj.weight").t());
            x = Rms(h, W(p + "post_attention_layernorm.weight"));
            h = h + (moe ? MoePerToken(x, p) : Mlp(x, p + "mlp."));
        }
        h = Rms(h, W("norm.weight"));
        var e = _w["lm_head.weight"];
        var lm = torch.tensor(e.ToFloats().Select(f => (double)f).ToArray(), ScalarType.Float64).reshape(e.Shape);
        return h.matmul(lm.t()).MoveToOuterDisposeScope();
    }

    private Tensor Mlp(Tensor x, string p) =>
        (nn.functional.silu(x.matmul(W(p + "gate_proj.weight").t())) * x.matmul(W(p + "up_proj.weight").t())).matmul(W(p + "down_proj.weight").t());

    private Tensor MoePerToken(Tensor x, string p)
    {
        var k = I("num_experts_per_tok");
        var norm = _t.GetProperty("norm_topk_prob").GetBoolean();
        var rows = new List<Tensor>();
        for (var t = 0; t < x.shape[0]; t++)
        {
            var xt = x.narrow(0, t, 1);
            var probs = xt.matmul(W(p + "mlp.gate.weight").t()).softmax(-1).squeeze(0).data<double>().ToArray();
            var chosen = probs.Select((pr, e) => (pr, e)).OrderByDescending(z => z.pr).Take(k).ToArray();
            var total = norm ? chosen.Sum(z => z.pr) : 1.0;
            var acc = torch.zeros_like(xt);
            foreach (var (pr, e) in chosen) acc = acc + Mlp(xt, $"{p}mlp.experts.{e}.") * (pr / total);
            rows.Add(acc);
        }
        return torch.cat(rows, 0);
    }

    /// <summary>x [S, H, D] rotated pair (i, i + D/2) by angle pos / theta^(2i/D).</summary>
    private static Tensor Rope(Tensor x, double theta)
    {
        var (s, heads, d) = (x.shape[0], x.shape[1], x.shape[2]);
        var data = x.contiguous().data<double>().ToArray();
        var result = new double[data.Length];
        for (var pos = 0; pos < s; pos++)
            for (var head = 0; head < heads; head++)
                for (var i = 0; i < d / 2; i++)
                {
                    var angle = pos / Math.Pow(theta, 2.0 * i / d);
                    var baseIndex = (pos * heads + head) * d;
                    var a = data[baseIndex + i];
                    var b = data[baseIndex + i + d / 2];
                    result[baseIndex + i] = a * Math.Cos(angle) - b * Math.Sin(angle);
                    result[baseIndex + i + d / 2] = b * Math.Cos(angle) + a * Math.Sin(angle);
                }
        return torch.tensor(result, ScalarType.Float64).reshape(s, heads, d);
    }
}
