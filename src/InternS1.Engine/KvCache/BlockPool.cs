namespace InternS1.Engine.KvCache;

/// <summary>
/// The preallocated pool of KV block ids (vLLM v1's <c>BlockPool</c>): reference counts, the free
/// queue in eviction order, and the prefix-cache map from block hash to block. Tensor-free: the
/// runner holds the memory, this class only decides which block id holds what.
/// </summary>
public sealed class BlockPool
{
    private readonly KvCacheBlock[] _blocks;
    private readonly Dictionary<BlockHash, KvCacheBlock> _cached = new();

    /// <summary>Creates a pool of <paramref name="numBlocks"/> free blocks, ids 0..numBlocks-1 in queue order.</summary>
    public BlockPool(int numBlocks, bool enableCaching)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(numBlocks, 1);
        EnableCaching = enableCaching;
        _blocks = new KvCacheBlock[numBlocks];
        for (var i = 0; i < numBlocks; i++)
        {
            _blocks[i] = new KvCacheBlock(i);
            FreeQueue.Append(_blocks[i]);
        }
    }

    /// <summary>Whether full blocks are registered for prefix reuse.</summary>
    public bool EnableCaching { get; }

    /// <summary>Total blocks in the pool.</summary>
    public int NumBlocks => _blocks.Length;

    /// <summary>Blocks without a reference (including evictable cached blocks).</summary>
    public int NumFreeBlocks => FreeQueue.Count;

    /// <summary>Blocks referenced by at least one request.</summary>
    public int NumUsedBlocks => _blocks.Length - FreeQueue.Count;

    /// <summary>Blocks currently registered in the prefix cache (referenced or not).</summary>
    public int NumCachedBlocks => _cached.Count;

    /// <summary>The free queue, front = next to be handed out (and evicted).</summary>
    public FreeBlockQueue FreeQueue { get; } = new();

    /// <summary>The block with id <paramref name="blockId"/>.</summary>
    public KvCacheBlock this[int blockId] => _blocks[blockId];

    /// <summary>The cached block holding <paramref name="hash"/>, or null on a miss.</summary>
    public KvCacheBlock? GetCachedBlock(BlockHash hash) => _cached.GetValueOrDefault(hash);

    /// <summary>Takes <paramref name="count"/> blocks from the front of the free queue, evicting
    /// their cached content, each with one reference.</summary>
    public List<KvCacheBlock> Allocate(int count)
    {
        if (count > FreeQueue.Count)
            throw new InvalidOperationException($"Cannot allocate {count} KV blocks: only {FreeQueue.Count} are free.");
        var result = new List<KvCacheBlock>(count);
        for (var i = 0; i < count; i++)
        {
            var block = FreeQueue.PopFront();
            Evict(block);
            block.RefCount = 1;
            result.Add(block);
        }
        return result;
    }

    /// <summary>Adds a reference to each block (prefix hit); a free cached block leaves the free queue.</summary>
    public void Touch(IEnumerable<KvCacheBlock> blocks)
    {
        foreach (var block in blocks)
        {
            if (block.RefCount == 0) FreeQueue.Remove(block);
            block.RefCount++;
        }
    }

    /// <summary>Drops one reference from each block, in the given order; blocks reaching zero join
    /// the back of the free queue in that order (so the first one given is evicted first).</summary>
    public void Free(IEnumerable<KvCacheBlock> orderedBlocks)
    {
        foreach (var block in orderedBlocks)
        {
            if (block.RefCount <= 0)
                throw new InvalidOperationException($"Double free of {block}.");
            block.RefCount--;
            if (block.RefCount == 0) FreeQueue.Append(block);
        }
    }

    /// <summary>Registers a full block under <paramref name="hash"/>. If another block already holds
    /// that hash (two requests computed the same prefix at once) the block stays unregistered, so
    /// block tables never change after allocation.</summary>
    /// <returns>True when the block was registered.</returns>
    public bool Cache(KvCacheBlock block, BlockHash hash)
    {
        if (!EnableCaching || block.Hash is not null || _cached.ContainsKey(hash)) return false;
        block.Hash = hash;
        _cached[hash] = block;
        return true;
    }

    /// <summary>Drops every unreferenced block from the prefix cache (e.g. after weights change).</summary>
    public void ResetPrefixCache()
    {
        foreach (var block in _blocks.Where(b => b.RefCount == 0)) Evict(block);
    }

    private void Evict(KvCacheBlock block)
    {
        if (block.Hash is { } hash)
        {
            _cached.Remove(hash);
            block.Hash = null;
        }
    }
}
