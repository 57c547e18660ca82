using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace InternS1.Engine.Torch.Modeling;

/// <summary>Mirrors torch's <c>nn.Embedding</c> for inference: <c>weight</c> [vocab, hidden], rows
/// looked up by id. NOTE: TorchSharp's Embedding built from an existing tensor did not see weights
/// copied into its registered parameter afterwards; this module reads its own parameter.</summary>
public sealed class TokenEmbedding : nn.Module<Tensor, Tensor>
{
    public Parameter weight;

    public TokenEmbedding(long count, long dim, ScalarType dtype, Device? device = null) : base(nameof(TokenEmbedding))
    {
        weight = Layers.Empty(dtype, device, count, dim);
        RegisterComponents();
    }

    /// <summary>ids [T] int64 -> [T, hidden].</summary>
    public override Tensor forward(Tensor ids) => weight.index_select(0, ids);
}
