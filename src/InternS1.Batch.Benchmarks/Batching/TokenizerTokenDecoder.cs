using InternS1.Engine.Execution;
using InternS1.Text.Tokenization;

namespace InternS1.Batch.Benchmarks.Batching;

/// <summary>The engine's <see cref="ITokenDecoder"/> over the real tokenizer (special tokens kept),
/// as the worker uses it.</summary>
internal sealed class TokenizerTokenDecoder(InternS1Tokenizer tokenizer) : ITokenDecoder
{
    public string Decode(IReadOnlyList<int> ids) => tokenizer.Decode(ids, skipSpecialTokens: false);
}
