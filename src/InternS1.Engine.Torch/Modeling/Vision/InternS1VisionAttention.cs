using InternS1.Engine.Torch.Checkpoints;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace InternS1.Engine.Torch.Modeling.Vision;

// Mirrors HF InternS1VisionAttention (= InternVLVisionAttention): bidirectional multi-head attention.

/// <summary>
/// <c>q_proj/k_proj/v_proj</c> (hidden→hidden, bias iff <c>attention_bias</c>), optional
/// <c>q_norm/k_norm</c> (RMSNorm over the full hidden width, before the head split, iff
/// <c>use_qk_norm</c>), non-causal <c>softmax(q kᵀ / sqrt(head_dim)) v</c>, and
/// <c>projection_layer</c> (hidden→hidden, always with bias). Input and output [T, S, hidden].
/// </summary>
public sealed class InternS1VisionAttention : nn.Module<Tensor, Tensor>
{
    private readonly Linear q_proj;
    private readonly Linear k_proj;
    private readonly Linear v_proj;
    private readonly InternS1VisionRMSNorm? q_norm;
    private readonly InternS1VisionRMSNorm? k_norm;
    private readonly Linear projection_layer;
    private readonly long _numHeads;
    private readonly long _headDim;

    public InternS1VisionAttention(VisionConfig config, Device? device = null, ScalarType? dtype = null)
        : base(nameof(InternS1VisionAttention))
    {
        long hidden = config.HiddenSize;
        _numHeads = config.NumAttentionHeads;
        _headDim = config.HeadDim;
        q_proj = nn.Linear(hidden, hidden, hasBias: config.AttentionBias, device: device, dtype: dtype);
        k_proj = nn.Linear(hidden, hidden, hasBias: config.AttentionBias, device: device, dtype: dtype);
        v_proj = nn.Linear(hidden, hidden, hasBias: config.AttentionBias, device: device, dtype: dtype);
        if (config.UseQkNorm)
        {
            q_norm = new InternS1VisionRMSNorm(hidden, config.LayerNormEps, device, dtype);
            k_norm = new InternS1VisionRMSNorm(hidden, config.LayerNormEps, device, dtype);
        }
        projection_layer = nn.Linear(hidden, hidden, hasBias: true, device: device, dtype: dtype);
        RegisterComponents();
    }

    public override Tensor forward(Tensor hidden_states)
    {
        using var scope = NewDisposeScope();
        var tiles = hidden_states.shape[0];
        var tokens = hidden_states.shape[1];
        // 1. projections: [T, S, C] each
        var query = q_proj.forward(hidden_states);
        var key = k_proj.forward(hidden_states);
        var value = v_proj.forward(hidden_states);
        // 2. QK-norm over the full width, before the head split: [T, S, C]
        if (q_norm is not null && k_norm is not null)
        {
            query = q_norm.forward(query);
            key = k_norm.forward(key);
        }
        // 3. split heads: [T, S, C] -> [T, S, heads, head_dim] -> [T, heads, S, head_dim]
        query = query.view(tiles, tokens, _numHeads, _headDim).transpose(1, 2);
        key = key.view(tiles, tokens, _numHeads, _headDim).transpose(1, 2);
        value = value.view(tiles, tokens, _numHeads, _headDim).transpose(1, 2);
        // 4. non-causal attention, scale 1/sqrt(head_dim) (the SDPA default): [T, heads, S, head_dim]
        var attended = nn.functional.scaled_dot_product_attention(query, key, value, is_casual: false);
        // 5. merge heads: [T, heads, S, head_dim] -> [T, S, heads, head_dim] -> [T, S, C]
        var merged = attended.transpose(1, 2).reshape(tiles, tokens, _numHeads * _headDim);
        // 6. output projection: [T, S, C]
        return projection_layer.forward(merged).MoveToOuterDisposeScope();
    }
}
