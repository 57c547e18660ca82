using System.Text;
using InternS1.Engine.Output;

namespace InternS1.Engine.Tests.Doubles;

/// <summary>A byte-level test decoder: each id stands for the bytes given to the constructor, turned into text
/// by .NET's own stateful UTF-8 decoder (an independent implementation of "hold half a character back").</summary>
public sealed class ByteDecoder(IReadOnlyDictionary<int, byte[]> bytes) : ITokenDecoder
{
    /// <summary>Ids mapped to the UTF-8 bytes of strings.</summary>
    public static ByteDecoder FromText(IReadOnlyDictionary<int, string> text) =>
        new(text.ToDictionary(kv => kv.Key, kv => Encoding.UTF8.GetBytes(kv.Value)));

    public IIncrementalDetokenizer CreateDetokenizer() => new Detokenizer(bytes);

    private sealed class Detokenizer(IReadOnlyDictionary<int, byte[]> bytes) : IIncrementalDetokenizer
    {
        private readonly Decoder _utf8 = new UTF8Encoding(false, false).GetDecoder();

        public string Append(int tokenId) => Decode(bytes[tokenId], flush: false);

        public string Flush() => Decode([], flush: true);

        private string Decode(byte[] input, bool flush)
        {
            var chars = new char[input.Length + 4];
            var n = _utf8.GetChars(input, 0, input.Length, chars, 0, flush);
            return new string(chars, 0, n);
        }
    }
}
