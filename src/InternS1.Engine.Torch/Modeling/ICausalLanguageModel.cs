using InternS1.Engine.Torch.Checkpoints;
using static TorchSharp.torch;

namespace InternS1.Engine.Torch.Modeling;

/// <summary>What the runner needs from a language model, whichever top-level layout (and tensor
/// name prefixes) it has: embed ids, run the decoder over a packed step, project to logits.</summary>
public interface ICausalLanguageModel : IDisposable
{
    TextConfig TextConfig { get; }

    /// <summary>The decoder (its embed_tokens, layers, norm).</summary>
    Qwen3Model LanguageModel { get; }

    /// <summary>The whole module tree; its parameter names are the checkpoint names.</summary>
    TorchSharp.torch.nn.Module Root { get; }

    /// <summary>Checkpoint name prefixes of parts this build does not construct (skipped on load).</summary>
    IReadOnlyList<string> UnbuiltPrefixes { get; }

    /// <summary>ids [T] int64 -> embeddings [T, hidden].</summary>
    Tensor Embed(Tensor ids);

    /// <summary>inputs_embeds [T, hidden] -> final hidden states [T, hidden].</summary>
    Tensor Forward(Tensor inputsEmbeds, AttentionBatch batch);

    /// <summary>hidden [N, hidden] -> logits [N, vocab] in the model dtype (lm_head, tied or not).</summary>
    Tensor ComputeLogits(Tensor hidden);
}
