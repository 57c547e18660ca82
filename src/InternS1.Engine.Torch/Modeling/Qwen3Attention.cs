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

    public Qwen3Attention(TextConfig config, int layerIdx, ScalarType dtype) : base(nameof(Qwen3Attention))
    {
        _layerIdx = layerIdx;
        _heads = config.NumAttentionHeads;
        _kvHeads = config.KeyValueHeads;
        _headDim = config.HeadDim;
        q_proj = Layers.Linear(config.HiddenSize, _heads * _headDim, dtype, config.AttentionBias);
        k_proj = Layers.Linear(config.HiddenSize, _kvHeads * _headDim, dtype, config.AttentionBias);
        v_proj = Layers.Linear(config.HiddenSize, _kvHeads * _headDim, dtype, config.AttentionBias);
        o_proj = Layers.Linear(_heads * _headDim, config.HiddenSize, dtype, config.AttentionBias);
        q_norm = new Qwen3RMSNorm(_headDim, config.RmsNormEps, dtype);
        k_norm = new Qwen3RMSNorm(_headDim, config.RmsNormEps, dtype);
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
        var attn = torch.empty(new[] { tokens, _heads * _headDim }, q.dtype);   // [T, Hq*D]
        foreach (var seq in batch.Sequences)
            attn.narrow(0, seq.PackedStart, seq.Length).copy_(AttendOne(seq, q, k, v, cacheK, cacheV));
        if (batch.Decode is { } decode)
            attn.index_copy_(0, decode.Rows, AttendDecode(decode, q, cacheK, cacheV));
        // 5. output projection                               [T, hidden]
        return o_proj.forward(attn).MoveToOuterDisposeScope();
    }

    private Tensor AttendOne(SequenceSlice seq, Tensor q, Tensor k, Tensor v, Tensor cacheK, Tensor cacheV)
    {
        var qs = q.narrow(0, seq.PackedStart, seq.Length).permute(1, 0, 2); // [Hq, n, D]
        Tensor ks, vs;
        if (seq.ContextSlots is null)
        {
            ks = k.narrow(0, seq.PackedStart, seq.Length);                   // [n, Hkv, D]
            vs = v.narrow(0, seq.PackedStart, seq.Length);
        }
        else
        {
            ks = cacheK.index_select(0, seq.ContextSlots);                    // [L, Hkv, D]
            vs = cacheV.index_select(0, seq.ContextSlots);
        }
        ks = RepeatKv(ks.permute(1, 0, 2));                                   // [Hq, L, D]
        vs = RepeatKv(vs.permute(1, 0, 2));
        var causal = seq.ContextSlots is null && seq.Length > 1;
        // NOTE: attention runs in float32 (like HF's float32 softmax); libtorch's CPU SDPA is far slower in bfloat16.
        var dtype = qs.dtype;
        var o = nn.functional.scaled_dot_product_attention(
            qs.to(ScalarType.Float32), ks.to(ScalarType.Float32), vs.to(ScalarType.Float32), seq.Mask, is_casual: causal); // [Hq, n, D]
        return o.to(dtype).permute(1, 0, 2).reshape(seq.Length, _heads * _headDim); // [n, Hq*D]
    }

    /// <summary>All single-token sequences at once: keys gathered to [B, Lmax] slots, padding masked.</summary>
    private Tensor AttendDecode(DecodeGroup decode, Tensor q, Tensor cacheK, Tensor cacheV)
    {
        var b = decode.Count;
        var qs = q.index_select(0, decode.Rows).unsqueeze(2);                               // [B, Hq, 1, D]
        var ks = cacheK.index_select(0, decode.Slots).view(b, decode.MaxLength, _kvHeads, _headDim).permute(0, 2, 1, 3); // [B, Hkv, L, D]
        var vs = cacheV.index_select(0, decode.Slots).view(b, decode.MaxLength, _kvHeads, _headDim).permute(0, 2, 1, 3);
        ks = RepeatKvBatched(ks);                                                           // [B, Hq, L, D]
        vs = RepeatKvBatched(vs);
        var o = nn.functional.scaled_dot_product_attention(
            qs.to(ScalarType.Float32), ks.to(ScalarType.Float32), vs.to(ScalarType.Float32), decode.Mask); // [B, Hq, 1, D]
        return o.to(q.dtype).reshape(b, _heads * _headDim);                                // [B, Hq*D]
    }

    /// <summary>[B, Hkv, L, D] -> [B, Hq, L, D].</summary>
    private Tensor RepeatKvBatched(Tensor x)
    {
        if (_heads == _kvHeads) return x;
        var (b, length) = (x.shape[0], x.shape[2]);
        return x.unsqueeze(2).expand(b, _kvHeads, _heads / _kvHeads, length, _headDim).reshape(b, _heads, length, _headDim);
    }

    /// <summary>[Hkv, L, D] -> [Hq, L, D]: each kv head serves Hq/Hkv consecutive query heads.</summary>
    private Tensor RepeatKv(Tensor x)
    {
        if (_heads == _kvHeads) return x;
        var groups = _heads / _kvHeads;
        var length = x.shape[1];
        return x.unsqueeze(1).expand(_kvHeads, groups, length, _headDim).reshape(_heads, length, _headDim);
    }
}
