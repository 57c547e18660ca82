using InternS1.Engine.Execution;

namespace InternS1.Engine.Torch.Tests.Integration;

/// <summary>Test decoder: ids as text ("12 7 99"); these tests use no stop strings and compare ids.</summary>
internal sealed class IdListDecoder : ITokenDecoder
{
    public string Decode(IReadOnlyList<int> ids) => string.Join(' ', ids);
}
