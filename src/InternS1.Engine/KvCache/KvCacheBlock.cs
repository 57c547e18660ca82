namespace InternS1.Engine.KvCache;

/// <summary>One block of the KV pool: <c>blockSize</c> token slots in every layer, K and V.</summary>
public sealed class KvCacheBlock(int blockId)
{
    /// <summary>Index of the block in the runner's pool.</summary>
    public int BlockId { get; } = blockId;

    /// <summary>Number of live requests whose block table holds this block.</summary>
    public int RefCount { get; internal set; }

    /// <summary>Set while the block is full and registered in the prefix cache.</summary>
    public BlockHash? Hash { get; internal set; }

    /// <summary>The block's node while it sits in the free queue.</summary>
    internal LinkedListNode<KvCacheBlock>? FreeNode { get; set; }

    /// <inheritdoc />
    public override string ToString() => $"block {BlockId} (ref {RefCount}{(Hash is null ? "" : ", cached")})";
}
