using InternS1.Text.Tokenization;

namespace InternS1.Engine.Output;

/// <summary>The engine's <see cref="ITokenDecoder"/> over the model's tokenizer: special tokens kept, so
/// reasoning and tool-call markers survive into the output text.</summary>
public sealed class TokenizerDecoder(InternS1Tokenizer tokenizer) : ITokenDecoder
{
    /// <inheritdoc />
    public IIncrementalDetokenizer CreateDetokenizer() => new Detokenizer(tokenizer.CreateIncrementalDecoder(skipSpecialTokens: false));

    private sealed class Detokenizer(IncrementalDecoder decoder) : IIncrementalDetokenizer
    {
        public string Append(int tokenId) => decoder.Append(tokenId);

        public string Flush() => decoder.Flush();
    }
}
