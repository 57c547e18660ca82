using InternS1.Engine.Output;

namespace InternS1.Engine.Tests.Doubles;

/// <summary>Decodes id n as "&lt;n&gt;" (id 1 = EOS as "&lt;eos&gt;"), one id at a time.</summary>
public sealed class TestDecoder : ITokenDecoder
{
    public static string Text(int id) => id == PatternRunner.Eos ? "<eos>" : $"<{id}>";

    public IIncrementalDetokenizer CreateDetokenizer() => new Detokenizer();

    private sealed class Detokenizer : IIncrementalDetokenizer
    {
        public string Append(int tokenId) => Text(tokenId);

        public string Flush() => string.Empty;
    }
}
