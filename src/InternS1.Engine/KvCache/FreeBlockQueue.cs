namespace InternS1.Engine.KvCache;

/// <summary>
/// Blocks with no reference, in eviction order (vLLM's <c>FreeKVCacheBlockQueue</c>): allocation
/// takes from the front; freed blocks join at the back; a prefix hit on a free cached block takes
/// it out of the middle in O(1). Cached blocks in here stay reusable until they reach the front
/// and are handed out, which makes eviction least-recently-freed first.
/// </summary>
public sealed class FreeBlockQueue
{
    private readonly LinkedList<KvCacheBlock> _list = new();

    /// <summary>Number of free blocks.</summary>
    public int Count => _list.Count;

    /// <summary>Appends a block that just lost its last reference.</summary>
    public void Append(KvCacheBlock block)
    {
        if (block.FreeNode is not null)
            throw new InvalidOperationException($"{block} is already in the free queue.");
        block.FreeNode = _list.AddLast(block);
    }

    /// <summary>Removes and returns the block at the front (next to evict).</summary>
    public KvCacheBlock PopFront()
    {
        var node = _list.First ?? throw new InvalidOperationException("The free block queue is empty.");
        _list.RemoveFirst();
        node.Value.FreeNode = null;
        return node.Value;
    }

    /// <summary>Takes a block out of the queue (a prefix hit on a free cached block).</summary>
    public void Remove(KvCacheBlock block)
    {
        var node = block.FreeNode ?? throw new InvalidOperationException($"{block} is not in the free queue.");
        _list.Remove(node);
        block.FreeNode = null;
    }

    /// <summary>Block ids front to back (tests and diagnostics).</summary>
    public IReadOnlyList<int> BlockIds() => _list.Select(b => b.BlockId).ToArray();
}
