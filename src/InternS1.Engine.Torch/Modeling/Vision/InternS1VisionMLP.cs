using InternS1.Engine.Torch.Checkpoints;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace InternS1.Engine.Torch.Modeling.Vision;

/// <summary>Mirrors transformers' <c>InternS1VisionMLP</c>: <c>fc2(gelu(fc1(x)))</c> with <c>fc1</c>
/// (hidden→intermediate, bias), exact erf GELU, <c>fc2</c> (intermediate→hidden, bias).</summary>
public sealed class InternS1VisionMLP : nn.Module<Tensor, Tensor>
{
    public Linear fc1;
    public Linear fc2;

    public InternS1VisionMLP(VisionConfig config, ScalarType dtype, Device? device = null) : base(nameof(InternS1VisionMLP))
    {
        fc1 = Layers.Linear(config.HiddenSize, config.IntermediateSize, dtype, device, bias: true);
        fc2 = Layers.Linear(config.IntermediateSize, config.HiddenSize, dtype, device, bias: true);
        RegisterComponents();
    }

    /// <summary>[.., hidden] -> [.., hidden].</summary>
    public override Tensor forward(Tensor hidden_states)
    {
        using var scope = NewDisposeScope();
        // 1. up                                                    [.., C] -> [.., I]
        var up = fc1.forward(hidden_states);
        // 2. exact GELU                                            [.., I]
        var activated = nn.functional.gelu(up, GELU.Approximate.none);
        // 3. down                                                  [.., I] -> [.., C]
        return fc2.forward(activated).MoveToOuterDisposeScope();
    }
}
