using InternS1.Engine.Execution;

namespace InternS1.Engine.Tests.Doubles;

/// <summary>Decodes id n as "&lt;n&gt;" (id 1 = EOS as "&lt;eos&gt;").</summary>
public sealed class TestDecoder : ITokenDecoder
{
    public static string Text(int id) => id == PatternRunner.Eos ? "<eos>" : $"<{id}>";

    public string Decode(IReadOnlyList<int> ids) => string.Concat(ids.Select(Text));
}
