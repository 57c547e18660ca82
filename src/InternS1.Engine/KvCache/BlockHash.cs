namespace InternS1.Engine.KvCache;

/// <summary>
/// The identity of a full KV block's content: a chained hash of the parent block's hash, the
/// block's token ids, the content hashes of media runs overlapping it, and (first block) the
/// request's cache salt. Two blocks with equal hashes hold the same K/V.
/// </summary>
/// <param name="Value">The first 128 bits of a SHA-256 over the block's inputs.</param>
public readonly record struct BlockHash(UInt128 Value)
{
    /// <inheritdoc />
    public override string ToString() => Value.ToString("x32");
}
