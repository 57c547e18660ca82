using InternS1.Engine.Torch.Checkpoints;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace InternS1.Engine.Torch.Modeling.Vision;

/// <summary>
/// Mirrors transformers' <c>InternS1VisionModel</c> (InternViT-6B / InternViT-300M as Intern-S1's vision
/// tower), registered under <c>model.vision_tower</c>: <c>embeddings</c>, <c>encoder.layer.{l}</c>, and
/// <c>layernorm</c> only when <c>use_mean_pooling</c> is false (Intern-S1 and -mini set it true: no final
/// norm). Pixel values [T, 3, H, W] (cast to the weights' dtype) give the hidden states
/// [T, 1 + (H/14)·(W/14), C]; inputs of another size than <c>image_size</c> get bicubically resized
/// position embeddings.
/// </summary>
public sealed class InternS1VisionModel : nn.Module<Tensor, Tensor>
{
    public InternS1VisionEmbeddings embeddings;
    public InternS1VisionEncoder encoder;
    public LayerNorm? layernorm;

    public InternS1VisionModel(VisionConfig config, ScalarType dtype, Device? device = null) : base(nameof(InternS1VisionModel))
    {
        Config = config;
        embeddings = new InternS1VisionEmbeddings(config, dtype, device);
        encoder = new InternS1VisionEncoder(config, dtype, device);
        if (!config.UseMeanPooling)
            layernorm = Layers.LayerNorm(config.HiddenSize, config.LayerNormEps, dtype, device);
        RegisterComponents();
    }

    /// <summary>The vision config this tower was built from.</summary>
    public VisionConfig Config { get; }

    /// <summary>Last hidden state: [T, 3, H, W] -> [T, 1 + N, C].</summary>
    public override Tensor forward(Tensor pixel_values)
    {
        using var scope = NewDisposeScope();
        // 1. CLS + patch tokens + positions                        [T, 1 + N, C]
        var hidden = embeddings.forward(pixel_values);
        // 2. all encoder layers                                    [T, 1 + N, C]
        hidden = encoder.forward(hidden);
        // 3. final norm (identity when use_mean_pooling)           [T, 1 + N, C]
        if (layernorm is not null)
            hidden = layernorm.forward(hidden);
        return hidden.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The hidden state HF selects with <c>vision_feature_layer</c>: -1 is the last hidden state
    /// (after the optional final norm); any other value indexes HF's <c>hidden_states</c> tuple
    /// (0 = embeddings output, l = after l layers, negative counts from the end), without the final norm.
    /// </summary>
    public Tensor forward(Tensor pixel_values, int visionFeatureLayer)
    {
        if (visionFeatureLayer == -1)
            return forward(pixel_values);
        var states = encoder.Count + 1;
        var index = visionFeatureLayer < 0 ? states + visionFeatureLayer : visionFeatureLayer;
        if (index < 0 || index >= states)
            throw new ArgumentOutOfRangeException(nameof(visionFeatureLayer), visionFeatureLayer,
                $"vision_feature_layer must index the {states} hidden states of a {encoder.Count}-layer tower");
        using var scope = NewDisposeScope();
        // 1. CLS + patch tokens + positions                        [T, 1 + N, C]
        var hidden = embeddings.forward(pixel_values);
        // 2. the first `index` layers                              [T, 1 + N, C]
        return encoder.forward(hidden, index).MoveToOuterDisposeScope();
    }
}
