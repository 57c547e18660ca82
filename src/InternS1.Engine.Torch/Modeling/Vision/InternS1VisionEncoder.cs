using InternS1.Engine.Torch.Checkpoints;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace InternS1.Engine.Torch.Modeling.Vision;

/// <summary>Mirrors transformers' <c>InternS1VisionEncoder</c>: the stack of
/// <see cref="InternS1VisionLayer"/>, registered as <c>layer.0</c> .. <c>layer.{L-1}</c>.</summary>
public sealed class InternS1VisionEncoder : nn.Module<Tensor, Tensor>
{
    public ModuleList<InternS1VisionLayer> layer;

    public InternS1VisionEncoder(VisionConfig config, ScalarType dtype, Device? device = null) : base(nameof(InternS1VisionEncoder))
    {
        layer = new ModuleList<InternS1VisionLayer>(Enumerable.Range(0, config.NumHiddenLayers)
            .Select(_ => new InternS1VisionLayer(config, dtype, device)).ToArray());
        RegisterComponents();
    }

    /// <summary>Number of layers.</summary>
    public int Count => layer.Count;

    /// <summary>Runs every layer: [T, S, C] -> [T, S, C].</summary>
    public override Tensor forward(Tensor hidden_states) => forward(hidden_states, layer.Count);

    /// <summary>Runs the first <paramref name="layers"/> layers (HF <c>hidden_states[layers]</c>):
    /// [T, S, C] -> [T, S, C]. With 0 layers the result is a new handle on the input.</summary>
    public Tensor forward(Tensor hidden_states, int layers)
    {
        if (layers < 0 || layers > layer.Count)
            throw new ArgumentOutOfRangeException(nameof(layers), layers, $"must be in 0..{layer.Count}");
        var current = hidden_states.alias();
        for (var l = 0; l < layers; l++)
        {
            // NOTE: each layer's input is released as soon as the next hidden state exists (memory for 45 layers).
            var next = layer[l].forward(current);
            current.Dispose();
            current = next;
        }
        return current;
    }
}
