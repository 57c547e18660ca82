using InternS1.Engine.Torch.Checkpoints;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace InternS1.Engine.Torch.Modeling.Vision;

// Mirrors HF InternS1VisionEncoder: the stack of InternS1VisionLayer under `layer.{l}`.

/// <summary>The encoder layers, registered as <c>layer.0</c> .. <c>layer.{L-1}</c>.</summary>
public sealed class InternS1VisionEncoder : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<InternS1VisionLayer> layer;

    public InternS1VisionEncoder(VisionConfig config, Device? device = null, ScalarType? dtype = null)
        : base(nameof(InternS1VisionEncoder))
    {
        layer = new ModuleList<InternS1VisionLayer>();
        for (var l = 0; l < config.NumHiddenLayers; l++)
            layer.Add(new InternS1VisionLayer(config, device, dtype));
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
