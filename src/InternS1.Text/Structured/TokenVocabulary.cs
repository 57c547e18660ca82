using InternS1.Text.Structured.Masks;
using InternS1.Text.Tokenization;

namespace InternS1.Text.Structured;

/// <summary>
/// The model's vocabulary as the grammar sees it: for each token id the bytes it decodes to, or nothing for ids
/// that may never appear inside a structured value (added and special tokens such as <c>&lt;|im_end|&gt;</c>,
/// <c>&lt;think&gt;</c>, <c>&lt;SMILES&gt;</c>, and embedding rows no token has), plus the end-of-turn ids that are allowed,
/// and only allowed, once the value is complete. Builds its token trie once; thread-safe.
/// </summary>
public sealed class TokenVocabulary
{
    private readonly byte[]?[] _bytes;
    private readonly Lazy<TokenTrie> _trie;

    private TokenVocabulary(byte[]?[] bytes, int size, IEnumerable<int> endTokenIds)
    {
        if (size < bytes.Length) throw new ArgumentOutOfRangeException(nameof(size), $"size {size} is below the {bytes.Length} tokens");
        _bytes = bytes;
        Size = size;
        EndTokenIds = endTokenIds.Distinct().Order().ToArray();
        if (EndTokenIds.Count == 0) throw new ArgumentException("at least one end-of-turn token id is needed", nameof(endTokenIds));
        foreach (var id in EndTokenIds)
        {
            if ((uint)id >= (uint)size) throw new ArgumentOutOfRangeException(nameof(endTokenIds), $"end token id {id} is outside the vocabulary of {size}");
            if (id < bytes.Length && bytes[id] is not null) throw new ArgumentException($"end token id {id} is also a text token", nameof(endTokenIds));
        }
        _trie = new Lazy<TokenTrie>(() => new TokenTrie(_bytes), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>Number of token ids (the width of a mask; the model's embedding rows, e.g. 153,216 for Intern-S1).</summary>
    public int Size { get; }

    /// <summary>Number of 64-bit words of a mask: <c>(Size + 63) / 64</c>.</summary>
    public int MaskWords => (Size + 63) / 64;

    /// <summary>Ids allowed once the value is complete (end of turn, EOS).</summary>
    public IReadOnlyList<int> EndTokenIds { get; }

    internal TokenTrie Trie => _trie.Value;

    /// <summary>Bytes of a token that may appear in a value; empty for any other id.</summary>
    public ReadOnlySpan<byte> TokenBytes(int id) => (uint)id < (uint)_bytes.Length ? _bytes[id] : default;

    /// <summary>Whether <paramref name="id"/> may appear inside a value.</summary>
    public bool IsTextToken(int id) => (uint)id < (uint)_bytes.Length && _bytes[id] is not null;

    /// <summary>From a tokenizer: every id below <paramref name="size"/> that decodes to bytes and is not an added
    /// token is a text token (the scientific sub-vocabulary pieces decode to their text and are included).</summary>
    /// <param name="tokenizer">The model's tokenizer.</param>
    /// <param name="size">Mask width (the model's vocabulary size, at least the tokenizer's).</param>
    /// <param name="endTokenIds">End-of-turn ids (for Intern-S1: <c>&lt;|im_end|&gt;</c> and the EOS ids of generation_config.json).</param>
    public static TokenVocabulary FromTokenizer(InternS1Tokenizer tokenizer, int size, IEnumerable<int> endTokenIds)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        var added = tokenizer.AddedTokens.Select(t => t.Id).ToHashSet();
        var bytes = new byte[]?[Math.Min(size, tokenizer.VocabularySize)];
        for (var id = 0; id < bytes.Length; id++)
        {
            if (added.Contains(id)) continue;
            var b = tokenizer.TokenBytes(id, skipSpecialTokens: false);
            if (b.Length > 0) bytes[id] = b.ToArray();
        }
        return new TokenVocabulary(bytes, size, endTokenIds);
    }

    /// <summary>From an explicit table: <paramref name="tokenBytes"/>[id] is the token's bytes, or null for an id that
    /// never appears inside a value. Empty entries count as null.</summary>
    public static TokenVocabulary Create(IReadOnlyList<byte[]?> tokenBytes, IEnumerable<int> endTokenIds, int? size = null)
    {
        ArgumentNullException.ThrowIfNull(tokenBytes);
        var bytes = tokenBytes.Select(b => b is { Length: > 0 } ? (byte[])b.Clone() : null).ToArray();
        return new TokenVocabulary(bytes, size ?? bytes.Length, endTokenIds);
    }
}
