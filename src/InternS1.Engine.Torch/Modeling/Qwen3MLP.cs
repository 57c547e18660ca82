using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace InternS1.Engine.Torch.Modeling;

/// <summary>Mirrors transformers' <c>Qwen3MLP</c> / <c>Qwen3MoeMLP</c> (one expert): down(silu(gate(x)) * up(x)).</summary>
public sealed class Qwen3MLP : nn.Module<Tensor, Tensor>
{
    public Linear gate_proj;
    public Linear up_proj;
    public Linear down_proj;

    public Qwen3MLP(long hiddenSize, long intermediateSize, ScalarType dtype, Device? device = null) : base(nameof(Qwen3MLP))
    {
        gate_proj = Layers.Linear(hiddenSize, intermediateSize, dtype, device);
        up_proj = Layers.Linear(hiddenSize, intermediateSize, dtype, device);
        down_proj = Layers.Linear(intermediateSize, hiddenSize, dtype, device);
        RegisterComponents();
    }

    /// <summary>An expert over existing weight storage (views into its MoE block's stacked expert weights):
    /// gate and up [intermediate, hidden], down [hidden, intermediate].</summary>
    internal Qwen3MLP(Tensor gateWeight, Tensor upWeight, Tensor downWeight) : base(nameof(Qwen3MLP))
    {
        gate_proj = nn.Linear(new Parameter(gateWeight, requires_grad: false), null);
        up_proj = nn.Linear(new Parameter(upWeight, requires_grad: false), null);
        down_proj = nn.Linear(new Parameter(downWeight, requires_grad: false), null);
        RegisterComponents();
    }

    /// <summary>[N, hidden] -> [N, hidden].</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        // 1. gated activation                                  [N, intermediate]
        var h = nn.functional.silu(gate_proj.forward(x)) * up_proj.forward(x);
        // 2. back to the hidden width                          [N, hidden]
        return down_proj.forward(h).MoveToOuterDisposeScope();
    }
}
