using InternS1.Engine.Torch.Checkpoints;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace InternS1.Engine.Torch.Modeling.Vision;

// Mirrors HF InternS1VisionModel (InternViT-6B / InternViT-300M as Intern-S1's vision tower).

/// <summary>
/// The vision tower, registered under <c>model.vision_tower</c>: <c>embeddings</c>,
/// <c>encoder.layer.{l}</c>, and <c>layernorm</c> only when <c>use_mean_pooling</c> is false
/// (Intern-S1 and -mini set it true: no final norm). <see cref="forward(Tensor)"/> maps pixel values
/// [T, 3, H, W] (cast to the weights' dtype) to the last hidden state [T, 1 + (H/14)·(W/14), C];
/// inputs of another size than <c>image_size</c> get bicubically resized position embeddings.
/// </summary>
public sealed class InternS1VisionModel : nn.Module<Tensor, Tensor>
{
    private readonly InternS1VisionEmbeddings embeddings;
    private readonly InternS1VisionEncoder encoder;
    private readonly LayerNorm? layernorm;

    /// <summary>Builds the module tree. Pass <c>torch.META</c> as <paramref name="device"/> to
    /// allocate nothing; <see cref="VisionWeightLoader"/> then puts the checkpoint tensors in place.</summary>
    public InternS1VisionModel(VisionConfig config, Device? device = null, ScalarType? dtype = null)
        : base(nameof(InternS1VisionModel))
    {
        Config = config;
        embeddings = new InternS1VisionEmbeddings(config, device, dtype);
        encoder = new InternS1VisionEncoder(config, device, dtype);
        if (!config.UseMeanPooling)
            layernorm = nn.LayerNorm(config.HiddenSize, config.LayerNormEps, device: device, dtype: dtype);
        RegisterComponents();
    }

    /// <summary>The vision config this tower was built from.</summary>
    public VisionConfig Config { get; }

    /// <summary>Builds the tower on the meta device and loads it from a checkpoint dictionary keyed
    /// by full names (<c>model.vision_tower.…</c>); see <see cref="VisionWeightLoader"/>.</summary>
    public static InternS1VisionModel FromCheckpoint(VisionConfig config, IReadOnlyDictionary<string, Tensor> checkpoint,
        ScalarType dtype, Device? device = null)
    {
        var tower = new InternS1VisionModel(config, META, dtype);
        try
        {
            VisionWeightLoader.Load(tower, VisionWeightLoader.VisionTowerPrefix, checkpoint, dtype, device);
            return tower;
        }
        catch
        {
            tower.Dispose();
            throw;
        }
    }

    /// <summary>Last hidden state: [T, 3, H, W] -> [T, 1 + N, C].</summary>
    public override Tensor forward(Tensor pixel_values)
    {
        using var scope = NewDisposeScope();
        // 1. CLS + patch tokens + positions: [T, 1 + N, C]
        var hidden = embeddings.forward(pixel_values);
        // 2. all encoder layers: [T, 1 + N, C]
        hidden = encoder.forward(hidden);
        // 3. final norm (identity when use_mean_pooling): [T, 1 + N, C]
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
        // 1. CLS + patch tokens + positions: [T, 1 + N, C]
        var hidden = embeddings.forward(pixel_values);
        // 2. the first `index` layers: [T, 1 + N, C]
        return encoder.forward(hidden, index).MoveToOuterDisposeScope();
    }
}
