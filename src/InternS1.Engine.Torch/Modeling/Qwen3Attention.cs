using InternS1.Engine.Torch.Checkpoints;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace InternS1.Engine.Torch.Modeling;

/// <summary>
/// Mirrors transformers' <c>Qwen3Attention</c> (also Qwen3-MoE's): grouped-query attention with a
/// per-head RMSNorm on q and k before the rotary embedding, over the paged KV pool. New keys and
/// values are written to their slots; each sequence then attends to its cached positions.
/// </summary>
public sealed class Qwen3Attention : nn.Module
{
    public Linear q_proj;
    public Linear k_proj;
    public Linear v_proj;
    public Linear o_proj;
    public Qwen3RMSNorm q_norm;
    public Qwen3RMSNorm k_norm;

    private readonly int _layerIdx;
    private readonly long _heads;
    private readonly long _kvHeads;
    private readonly long _headDim;

    public Qwen3Attention(TextConfig config, int layerIdx, ScalarType dtype, Device? device = null) : base(nameof(Qwen3Attention))
    {
        _layerIdx = layerIdx;
        _heads = config.NumAttentionHeads;
        _kvHeads = config.KeyValueHeads;
        _headDim = config.HeadDim;
        q_proj = Layers.Linear(config.HiddenSize, _heads * _headDim, dtype, device, config.AttentionBias);
        k_proj = Layers.Linear(config.HiddenSize, _kvHeads * _headDim, dtype, device, config.AttentionBias);
        v_proj = Layers.Linear(config.HiddenSize, _kvHeads * _headDim, dtype, device, config.AttentionBias);
        o_proj = Layers.Linear(_heads * _headDim, config.HiddenSize, dtype, device, config.AttentionBias);
        q_norm = new Qwen3RMSNorm(_headDim, config.RmsNormEps, dtype, device);
        k_norm = new Qwen3RMSNorm(_headDim, config.RmsNormEps, dtype, device);
        RegisterComponents();
    }

    /// <summary>hidden [T, hidden] (packed tokens of all sequences), cos/sin [T, head_dim] -> [T, hidden].</summary>
    public Tensor forward(Tensor hidden, Tensor cos, Tensor sin, AttentionBatch batch)
    {
        using var scope = NewDisposeScope();
        var tokens = hidden.shape[0];
        // 1. projections, per-head norms                     q [T, Hq, D], k/v [T, Hkv, D]
        var q = q_norm.forward(q_proj.forward(hidden).view(tokens, _heads, _headDim));
        var k = k_norm.forward(k_proj.forward(hidden).view(tokens, _kvHeads, _headDim));
        var v = v_proj.forward(hidden).view(tokens, _kvHeads, _headDim);
        // 2. rotary embedding after the norms
        q = Qwen3RotaryEmbedding.Apply(q, cos, sin);
        k = Qwen3RotaryEmbedding.Apply(k, cos, sin);
        // 3. write the new keys/values into their KV slots
        var cacheK = batch.Cache.Keys(_layerIdx);
        var cacheV = batch.Cache.Values(_layerIdx);
        cacheK.index_copy_(0, batch.SlotMapping, k);
        cacheV.index_copy_(0, batch.SlotMapping, v);
        // 4. attention per sequence against its own positions (decode tokens together, padded)
        var attn = torch.empty(new[] { tokens, _heads * _headDim }, q.dtype, q.device);   // [T, Hq*D]
        foreach (var seq in batch.Sequences)
            attn.narrow(0, seq.PackedStart, seq.Length).copy_(AttendOne(seq, q, k, v, cacheK, cacheV));
        if (batch.Decode is { } decode)
            attn.index_copy_(0, decode.Rows, AttendDecode(decode, q, cacheK, cacheV));
        // 5. output projection                               [T, hidden]
        return o_proj.forward(attn).MoveToOuterDisposeScope();
    }

    private Tensor AttendOne(SequenceSlice seq, Tensor q, Tensor k, Tensor v, Tensor cacheK, Tensor cacheV)
    {
        // NOTE: attention runs in float32 (like HF's float32 softmax); libtorch's CPU SDPA is far slower in bfloat16,
        // and so are bfloat16 strided copies: convert first, then rearrange.
        var dtype = q.dtype;
        var n = seq.Length;
        var qs = q.narrow(0, seq.PackedStart, n).to(ScalarType.Float32);      // [n, Hq, D]
        if (seq.ContextSlots is null)
        {
            // a first chunk: causal attention over its own new keys
            var kn = RepeatKv(k.narrow(0, seq.PackedStart, n).to(ScalarType.Float32).permute(1, 0, 2)); // [Hq, n, D]
            var vn = RepeatKv(v.narrow(0, seq.PackedStart, n).to(ScalarType.Float32).permute(1, 0, 2)); // [Hq, n, D]
            var on = nn.functional.scaled_dot_product_attention(qs.permute(1, 0, 2), kn, vn, is_casual: n > 1); // [Hq, n, D]
            return on.to(dtype).permute(1, 0, 2).reshape(n, _heads * _headDim); // [n, Hq*D]
        }
        // after cached tokens: the G = Hq/Hkv query heads of a kv head attend as G*n query rows of that
        // head, so the gathered keys/values are not repeated per query head
        var groups = _heads / _kvHeads;
        var qg = qs.view(n, _kvHeads, groups, _headDim).permute(1, 2, 0, 3).reshape(_kvHeads, groups * n, _headDim); // [Hkv, G*n, D]
        var ks = cacheK.index_select(0, seq.ContextSlots).to(ScalarType.Float32).permute(1, 0, 2); // [Hkv, L, D]
        var vs = cacheV.index_select(0, seq.ContextSlots).to(ScalarType.Float32).permute(1, 0, 2); // [Hkv, L, D]
        var mask = seq.Mask is null || groups == 1 ? seq.Mask : seq.Mask.repeat(groups, 1);        // [G*n, L]
        var o = nn.functional.scaled_dot_product_attention(qg, ks, vs, mask);                        // [Hkv, G*n, D]
        return o.view(_kvHeads, groups, n, _headDim).permute(2, 0, 1, 3).reshape(n, _heads * _headDim).to(dtype); // [n, Hq*D]
    }

    /// <summary>All single-token sequences at once: keys gathered to [B, Lmax] slots, padding masked.
    /// Grouped-query heads are not repeated: the Hq/Hkv query heads that share a kv head attend as
    /// that head's query rows, so each key and value is gathered once (not Hq/Hkv times).</summary>
    /// <remarks>NOTE: in the model dtype, unlike <see cref="AttendOne"/>: libtorch's CPU flash attention accumulates
    /// bfloat16 inputs in float32 (scores, softmax, output sums) as the float32 path does, and the conversions of the
    /// gathered keys and values cost more than the attention itself. Measured on an AMX CPU, 64 sequences, 144
    /// positions, one layer: 2.1 ms in bfloat16 vs 3.6 ms converting to float32 first.</remarks>
    private Tensor AttendDecode(DecodeGroup decode, Tensor q, Tensor cacheK, Tensor cacheV)
    {
        var b = decode.Count;
        var groups = _heads / _kvHeads;
        // query head h = kv * groups + g, the order RepeatKv uses
        var qs = q.index_select(0, decode.Rows).view(b, _kvHeads, groups, _headDim);                                    // [B, Hkv, G, D]
        var ks = cacheK.index_select(0, decode.Slots).view(b, decode.MaxLength, _kvHeads, _headDim).permute(0, 2, 1, 3); // [B, Hkv, L, D]
        var vs = cacheV.index_select(0, decode.Slots).view(b, decode.MaxLength, _kvHeads, _headDim).permute(0, 2, 1, 3); // [B, Hkv, L, D]
        var o = nn.functional.scaled_dot_product_attention(qs, ks, vs, decode.Mask);                                     // [B, Hkv, G, D]
        return o.reshape(b, _heads * _headDim);                                                                           // [B, Hq*D]
    }

    /// <summary>[Hkv, L, D] -> [Hq, L, D]: each kv head serves Hq/Hkv consecutive query heads.</summary>
    private Tensor RepeatKv(Tensor x)
    {
        if (_heads == _kvHeads) return x;
        var groups = _heads / _kvHeads;
        var length = x.shape[1];
        return x.unsqueeze(1).expand(_kvHeads, groups, length, _headDim).reshape(_heads, length, _headDim); // [Hq, L, D]
    }
}
