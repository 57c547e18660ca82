using InternS1.Engine.Execution;
using InternS1.Text.Tokenization;

namespace InternS1.Batch.Worker.Preparation;

/// <summary>The engine's <see cref="ITokenDecoder"/> over the model's tokenizer (special tokens kept,
/// so reasoning and tool-call markers survive into the output text).</summary>
public sealed class TokenizerDecoder(InternS1Tokenizer tokenizer) : ITokenDecoder
{
    public string Decode(IReadOnlyList<int> ids) => tokenizer.Decode(ids, skipSpecialTokens: false);
}
