using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using InternS1.Text.Structured;

namespace InternS1.Text.Tests.Structured;

/// <summary>The real Intern-S1 vocabulary (153,216 ids: the Qwen3 BPE, added tokens, scientific pieces, padding rows)
/// from the tiny model's tokenizer folder, and shared compilers so that lexeme masks are computed once per run.</summary>
internal static class StructuredFixtures
{
    public const int ImEnd = 151645, EndOfText = 151643, VocabularySize = 153216;

    private static readonly Lazy<TokenVocabulary> Vocab = new(() =>
        TokenVocabulary.FromTokenizer(SharedTokenizers.Tiny, VocabularySize, [ImEnd, EndOfText]));

    private static readonly ConcurrentDictionary<string, StructuredOutputCompiler> Compilers = new();

    public static TokenVocabulary InternS1 => Vocab.Value;

    public static StructuredOutputCompiler Compiler(JsonWhitespace whitespace = JsonWhitespace.Spaced, int maxNestingDepth = 20) =>
        Compilers.GetOrAdd($"{whitespace}|{maxNestingDepth}", _ => new StructuredOutputCompiler(InternS1,
            new StructuredOutputOptions { Whitespace = whitespace, MaxNestingDepth = maxNestingDepth }));

    public static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();

    /// <summary>Allowed ids of a mask.</summary>
    public static List<int> Allowed(ReadOnlySpan<ulong> mask, int size)
    {
        var ids = new List<int>();
        for (var w = 0; w < mask.Length; w++)
        {
            var bits = mask[w];
            while (bits != 0)
            {
                var b = System.Numerics.BitOperations.TrailingZeroCount(bits);
                var id = w * 64 + b;
                if (id < size) ids.Add(id);
                bits &= bits - 1;
            }
        }
        return ids;
    }

    /// <summary>Samples uniformly among the allowed tokens (seeded) until an end id is taken or <paramref name="maxSteps"/>
    /// tokens were taken. Returns the bytes of the text tokens; asserts that every mask is non-empty and every allowed
    /// token is accepted.</summary>
    public static (byte[] Bytes, bool Terminated, int Steps) RandomWalk(GrammarMatcher matcher, TokenVocabulary vocab, int seed, int maxSteps, Action<byte[]>? afterEachToken = null)
    {
        var rng = new Random(seed);
        var mask = new ulong[vocab.MaskWords];
        var bytes = new List<byte>();
        var steps = 0;
        while (!matcher.IsTerminated && steps < maxSteps)
        {
            matcher.FillMask(mask);
            var allowed = Allowed(mask, vocab.Size);
            Assert.True(allowed.Count > 0, $"empty mask after {Encoding.UTF8.GetString(bytes.ToArray())}");
            var id = allowed[rng.Next(allowed.Count)];
            Assert.True(matcher.Accept(id), $"allowed token {id} was not accepted after {Encoding.UTF8.GetString(bytes.ToArray())}");
            bytes.AddRange(vocab.TokenBytes(id).ToArray());
            steps++;
            afterEachToken?.Invoke(bytes.ToArray());
        }
        return (bytes.ToArray(), matcher.IsTerminated, steps);
    }
}
