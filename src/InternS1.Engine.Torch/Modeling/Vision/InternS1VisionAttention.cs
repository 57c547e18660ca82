using InternS1.Engine.Torch.Checkpoints;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace InternS1.Engine.Torch.Modeling.Vision;

/// <summary>
/// Mirrors transformers' <c>InternS1VisionAttention</c>: bidirectional multi-head attention with
/// <c>q_proj/k_proj/v_proj</c> (hidden→hidden, bias iff <c>attention_bias</c>), optional
/// <c>q_norm/k_norm</c> (RMSNorm over the full hidden width, before the head split, iff
/// <c>use_qk_norm</c>), non-causal <c>softmax(q kᵀ / sqrt(head_dim)) v</c>, and
/// <c>projection_layer</c> (hidden→hidden, always with bias).
/// </summary>
public sealed class InternS1VisionAttention : nn.Module<Tensor, Tensor>
{
    public Linear q_proj;
    public Linear k_proj;
    public Linear v_proj;
    public Qwen3RMSNorm? q_norm;
    public Qwen3RMSNorm? k_norm;
    public Linear projection_layer;

    private readonly long _numHeads;
    private readonly long _headDim;

    public InternS1VisionAttention(VisionConfig config, ScalarType dtype, Device? device = null) : base(nameof(InternS1VisionAttention))
    {
        long hidden = config.HiddenSize;
        _numHeads = config.NumAttentionHeads;
        _headDim = config.HeadDim;
        q_proj = Layers.Linear(hidden, hidden, dtype, device, config.AttentionBias);
        k_proj = Layers.Linear(hidden, hidden, dtype, device, config.AttentionBias);
        v_proj = Layers.Linear(hidden, hidden, dtype, device, config.AttentionBias);
        // NOTE: HF's InternS1VisionRMSNorm is the same computation as Qwen3RMSNorm (float32 statistics,
        // cast back to the input dtype, then the weight), so one class serves both.
        if (config.UseQkNorm)
        {
            q_norm = new Qwen3RMSNorm(hidden, config.LayerNormEps, dtype, device);
            k_norm = new Qwen3RMSNorm(hidden, config.LayerNormEps, dtype, device);
        }
        projection_layer = Layers.Linear(hidden, hidden, dtype, device, bias: true);
        RegisterComponents();
    }

    /// <summary>[T, S, hidden] -> [T, S, hidden].</summary>
    public override Tensor forward(Tensor hidden_states)
    {
        using var scope = NewDisposeScope();
        var tiles = hidden_states.shape[0];
        var tokens = hidden_states.shape[1];
        // 1. projections                                           [T, S, C] each
        var query = q_proj.forward(hidden_states);
        var key = k_proj.forward(hidden_states);
        var value = v_proj.forward(hidden_states);
        // 2. QK-norm over the full width, before the head split    [T, S, C]
        if (q_norm is not null && k_norm is not null)
        {
            query = q_norm.forward(query);
            key = k_norm.forward(key);
        }
        // 3. split heads                                           [T, S, C] -> [T, S, heads, D] -> [T, heads, S, D]
        query = query.view(tiles, tokens, _numHeads, _headDim).transpose(1, 2);
        key = key.view(tiles, tokens, _numHeads, _headDim).transpose(1, 2);
        value = value.view(tiles, tokens, _numHeads, _headDim).transpose(1, 2);
        // 4. non-causal attention, scale 1/sqrt(D) (the SDPA default)  [T, heads, S, D]
        var attended = nn.functional.scaled_dot_product_attention(query, key, value, is_casual: false);
        // 5. merge heads                                           [T, heads, S, D] -> [T, S, heads, D] -> [T, S, C]
        var merged = attended.transpose(1, 2).reshape(tiles, tokens, _numHeads * _headDim);
        // 6. output projection                                     [T, S, C]
        return projection_layer.forward(merged).MoveToOuterDisposeScope();
    }
}
