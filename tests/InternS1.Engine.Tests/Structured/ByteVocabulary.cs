using System.Text;
using InternS1.Engine.Tests.Doubles;
using InternS1.Text.Structured;

namespace InternS1.Engine.Tests.Structured;

/// <summary>A synthetic vocabulary over the <see cref="PatternRunner"/>'s 1,000 ids: id 100 + b is the single byte b,
/// id 400 is the two bytes <c>"}</c>, <see cref="PatternRunner.Eos"/> ends a value, <see cref="ThinkEnd"/> is a special
/// token (<c>&lt;/think&gt;</c>); every other id is never part of a value.</summary>
internal static class ByteVocabulary
{
    public const int ThinkEnd = 7;

    public static readonly TokenVocabulary Vocabulary = Build();

    public static readonly StructuredOutputCompiler Compiler = new(Vocabulary, new StructuredOutputOptions { Whitespace = JsonWhitespace.Compact });

    public static StructuredGrammar Grammar(string schema) =>
        Compiler.CompileJsonSchema(System.Text.Json.JsonDocument.Parse(schema).RootElement.Clone());

    /// <summary>The text of the value tokens among <paramref name="ids"/> (others skipped).</summary>
    public static string Text(IEnumerable<int> ids) =>
        Encoding.UTF8.GetString(ids.SelectMany(id => Vocabulary.TokenBytes(id).ToArray()).ToArray());

    private static TokenVocabulary Build()
    {
        var bytes = new byte[]?[PatternRunner.Vocab];
        for (var b = 0; b < 256; b++) bytes[100 + b] = [(byte)b];
        bytes[400] = "\"}"u8.ToArray();
        return TokenVocabulary.Create(bytes, [PatternRunner.Eos]);
    }
}
