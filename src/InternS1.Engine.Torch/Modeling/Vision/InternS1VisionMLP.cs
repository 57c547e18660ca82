using InternS1.Engine.Torch.Checkpoints;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace InternS1.Engine.Torch.Modeling.Vision;

// Mirrors HF InternS1VisionMLP: fc2(gelu(fc1(x))).

/// <summary><c>fc1</c> (hidden→intermediate, bias), exact erf GELU, <c>fc2</c> (intermediate→hidden, bias).</summary>
public sealed class InternS1VisionMLP : nn.Module<Tensor, Tensor>
{
    private readonly Linear fc1;
    private readonly Linear fc2;

    public InternS1VisionMLP(VisionConfig config, Device? device = null, ScalarType? dtype = null)
        : base(nameof(InternS1VisionMLP))
    {
        fc1 = nn.Linear(config.HiddenSize, config.IntermediateSize, hasBias: true, device: device, dtype: dtype);
        fc2 = nn.Linear(config.IntermediateSize, config.HiddenSize, hasBias: true, device: device, dtype: dtype);
        RegisterComponents();
    }

    public override Tensor forward(Tensor hidden_states)
    {
        using var scope = NewDisposeScope();
        // 1. up: [.., C] -> [.., I]
        var up = fc1.forward(hidden_states);
        // 2. exact GELU: [.., I]
        var activated = nn.functional.gelu(up, GELU.Approximate.none);
        // 3. down: [.., I] -> [.., C]
        return fc2.forward(activated).MoveToOuterDisposeScope();
    }
}
