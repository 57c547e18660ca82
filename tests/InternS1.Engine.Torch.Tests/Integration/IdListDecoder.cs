using InternS1.Engine.Output;

namespace InternS1.Engine.Torch.Tests.Integration;

/// <summary>Test decoder: ids as text ("12 7 99"); these tests use no stop strings and compare ids.</summary>
internal sealed class IdListDecoder : ITokenDecoder
{
    public IIncrementalDetokenizer CreateDetokenizer() => new Detokenizer();

    private sealed class Detokenizer : IIncrementalDetokenizer
    {
        private bool _first = true;

        public string Append(int tokenId)
        {
            var text = _first ? tokenId.ToString() : " " + tokenId;
            _first = false;
            return text;
        }

        public string Flush() => string.Empty;
    }
}
