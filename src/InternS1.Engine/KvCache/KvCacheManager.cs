namespace InternS1.Engine.KvCache;

/// <summary>
/// Block tables per request over a <see cref="BlockPool"/> (vLLM v1's <c>KVCacheManager</c>):
/// finds the cached prefix of a new request, allocates the slots a step needs, registers blocks
/// as they fill, and frees a request's blocks tail first so a prefix outlives its suffix in the
/// cache. Block i of a table holds positions [i x BlockSize, (i+1) x BlockSize).
/// </summary>
public sealed class KvCacheManager
{
    private readonly Dictionary<string, List<KvCacheBlock>> _tables = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _numRegistered = new(StringComparer.Ordinal);

    /// <summary>Creates the manager and its pool.</summary>
    public KvCacheManager(int numBlocks, int blockSize, bool enablePrefixCaching)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(blockSize, 1);
        BlockSize = blockSize;
        Pool = new BlockPool(numBlocks, enablePrefixCaching);
    }

    /// <summary>The block pool (ids, reference counts, free queue, prefix cache).</summary>
    public BlockPool Pool { get; }

    /// <summary>Token slots per block.</summary>
    public int BlockSize { get; }

    /// <summary>Token slots in the whole pool.</summary>
    public int CapacityTokens => Pool.NumBlocks * BlockSize;

    /// <summary>Prompt tokens looked up in the prefix cache so far.</summary>
    public long QueriedTokens { get; private set; }

    /// <summary>Of <see cref="QueriedTokens"/>, those served from the cache.</summary>
    public long HitTokens { get; private set; }

    /// <summary>Longest run of cached full blocks that starts the sequence. At most
    /// (numTokens - 1) / BlockSize blocks, so the last token is always computed and yields logits.</summary>
    /// <param name="blockHashes">Chained hashes of the sequence's full blocks.</param>
    /// <param name="numTokens">Tokens in the sequence (prompt, plus outputs after a preemption).</param>
    public IReadOnlyList<KvCacheBlock> FindCachedPrefix(IReadOnlyList<BlockHash> blockHashes, int numTokens)
    {
        if (!Pool.EnableCaching) return [];
        var maxBlocks = Math.Min(blockHashes.Count, (numTokens - 1) / BlockSize);
        var hits = new List<KvCacheBlock>();
        for (var i = 0; i < maxBlocks; i++)
        {
            var block = Pool.GetCachedBlock(blockHashes[i]);
            if (block is null) break;
            hits.Add(block);
        }
        return hits;
    }

    /// <summary>Counts one admitted lookup in <see cref="QueriedTokens"/> and <see cref="HitTokens"/>.</summary>
    public void RecordPrefixLookup(int numTokens, int numHitTokens)
    {
        QueriedTokens += numTokens;
        HitTokens += numHitTokens;
    }

    /// <summary>Makes room for <paramref name="numNewTokens"/> more tokens after
    /// <paramref name="numComputedTokens"/>. For a request without blocks yet, <paramref name="cachedPrefix"/>
    /// (from <see cref="FindCachedPrefix"/>) becomes the start of its table.</summary>
    /// <returns>False, with nothing changed, when the pool has too few free blocks.</returns>
    public bool AllocateSlots(string requestId, int numComputedTokens, int numNewTokens,
        IReadOnlyList<KvCacheBlock>? cachedPrefix = null)
    {
        cachedPrefix ??= [];
        var table = _tables.GetValueOrDefault(requestId);
        if (table is not null && cachedPrefix.Count > 0)
            throw new InvalidOperationException($"Request '{requestId}' already has blocks; a cached prefix applies only to its first allocation.");

        var held = (table?.Count ?? 0) + cachedPrefix.Count;
        var needed = CeilDiv(numComputedTokens + numNewTokens, BlockSize);
        var newBlocks = Math.Max(0, needed - held);
        // NOTE: a free cached block that is hit leaves the free queue too, so it counts against it.
        var revived = cachedPrefix.Count(b => b.RefCount == 0);
        if (newBlocks + revived > Pool.NumFreeBlocks) return false;

        if (table is null)
        {
            table = new List<KvCacheBlock>(needed);
            _tables[requestId] = table;
            _numRegistered[requestId] = cachedPrefix.Count;
        }
        Pool.Touch(cachedPrefix);
        table.AddRange(cachedPrefix);
        table.AddRange(Pool.Allocate(newBlocks));
        return true;
    }

    /// <summary>Registers the request's blocks that are now full of computed tokens.</summary>
    public void CacheFullBlocks(string requestId, IReadOnlyList<BlockHash> blockHashes, int numComputedTokens)
    {
        if (!Pool.EnableCaching || !_tables.TryGetValue(requestId, out var table)) return;
        var full = Math.Min(Math.Min(numComputedTokens / BlockSize, blockHashes.Count), table.Count);
        for (var i = _numRegistered[requestId]; i < full; i++) Pool.Cache(table[i], blockHashes[i]);
        _numRegistered[requestId] = Math.Max(full, _numRegistered[requestId]);
    }

    /// <summary>Releases the request's blocks, last block first (evicted first).</summary>
    public void Free(string requestId)
    {
        if (!_tables.Remove(requestId, out var table)) return;
        _numRegistered.Remove(requestId);
        table.Reverse();
        Pool.Free(table);
    }

    /// <summary>The request's block ids in order (a copy); empty when it holds none.</summary>
    public int[] GetBlockIds(string requestId) =>
        _tables.TryGetValue(requestId, out var t) ? t.Select(b => b.BlockId).ToArray() : [];

    /// <summary>Every live block table (tests and invariant checks).</summary>
    public IReadOnlyDictionary<string, int[]> BlockTables() =>
        _tables.ToDictionary(kv => kv.Key, kv => kv.Value.Select(b => b.BlockId).ToArray(), StringComparer.Ordinal);

    private static int CeilDiv(int a, int b) => (a + b - 1) / b;
}
