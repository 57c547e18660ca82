using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using InternS1.Engine.Requests;

namespace InternS1.Engine.KvCache;

/// <summary>
/// Computes chained block hashes for prefix caching (after vLLM's <c>hash_block_tokens</c>): the
/// hash of block i covers block i-1's hash, so equal hashes mean equal whole prefixes. Media
/// placeholder tokens are all the same id, so every media run overlapping a block adds its
/// <see cref="MultimodalInput.ContentHash"/> and its start relative to the block.
/// </summary>
public static class BlockHasher
{
    /// <summary>Hash of one full block.</summary>
    /// <param name="parent">The previous block's hash; null for the first block.</param>
    /// <param name="blockStart">Position of the block's first token in the sequence.</param>
    /// <param name="tokens">The block's token ids (exactly one block).</param>
    /// <param name="media">The request's media runs (only those overlapping the block count).</param>
    /// <param name="salt">Cache isolation salt; mixed into the first block only (the chain carries it).</param>
    public static BlockHash Hash(BlockHash? parent, int blockStart, ReadOnlySpan<int> tokens,
        IReadOnlyList<MultimodalInput> media, string? salt)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> scratch = stackalloc byte[16];

        // 1. Parent (or a marker plus the salt for the first block).
        if (parent is { } p)
        {
            BinaryPrimitives.WriteUInt128LittleEndian(scratch, p.Value);
            sha.AppendData(scratch[..16]);
        }
        else
        {
            sha.AppendData("root"u8);
            AppendString(sha, salt ?? string.Empty, scratch);
        }

        // 2. Token ids.
        BinaryPrimitives.WriteInt32LittleEndian(scratch, tokens.Length);
        sha.AppendData(scratch[..4]);
        sha.AppendData(MemoryMarshal.AsBytes(tokens));

        // 3. Media runs overlapping [blockStart, blockStart + tokens.Length).
        foreach (var m in media)
        {
            if (!m.Overlaps(blockStart, tokens.Length)) continue;
            BinaryPrimitives.WriteInt32LittleEndian(scratch, m.Offset - blockStart);
            sha.AppendData(scratch[..4]);
            AppendString(sha, m.ContentHash, scratch);
        }

        Span<byte> digest = stackalloc byte[32];
        sha.GetHashAndReset(digest);
        return new BlockHash(BinaryPrimitives.ReadUInt128LittleEndian(digest));
    }

    private static void AppendString(IncrementalHash sha, string value, Span<byte> scratch)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        BinaryPrimitives.WriteInt32LittleEndian(scratch, bytes.Length);
        sha.AppendData(scratch[..4]);
        sha.AppendData(bytes);
    }
}
