using InternS1.Engine.KvCache;

namespace InternS1.Engine.Tests.KvCache;

/// <summary>Block-level prefix caching in the style of vLLM's test_prefix_caching: block size 4,
/// 11 blocks, synthetic token ids; every expected id and order below is worked out by hand from
/// the rules (allocate from the front, free tail first to the back, hits leave the queue).</summary>
public sealed class KvCacheManagerTests
{
    private const int Bs = 4;

    private static List<BlockHash> Hashes(IReadOnlyList<int> tokens, string? salt = null)
    {
        var result = new List<BlockHash>();
        for (var i = 0; i + Bs <= tokens.Count; i += Bs)
            result.Add(BlockHasher.Hash(result.Count == 0 ? null : result[^1], i, tokens.Skip(i).Take(Bs).ToArray(), [], salt));
        return result;
    }

    private static int[] Ids(IEnumerable<KvCacheBlock> blocks) => blocks.Select(b => b.BlockId).ToArray();

    [Fact]
    public void Prefix_hit_reuses_full_blocks_and_increments_ref_count()
    {
        var kv = new KvCacheManager(numBlocks: 11, blockSize: Bs, enablePrefixCaching: true);
        var pool = kv.Pool;
        int[] a = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];

        // A: 10 tokens, cold -> blocks 0, 1, 2 (two full, one partial).
        Assert.Empty(kv.FindCachedPrefix(Hashes(a), a.Length));
        Assert.True(kv.AllocateSlots("a", 0, a.Length));
        Assert.Equal([0, 1, 2], kv.GetBlockIds("a"));
        Assert.Equal([3, 4, 5, 6, 7, 8, 9, 10], pool.FreeQueue.BlockIds());
        kv.CacheFullBlocks("a", Hashes(a), numComputedTokens: 10);
        Assert.NotNull(pool[0].Hash);
        Assert.NotNull(pool[1].Hash);
        Assert.Null(pool[2].Hash);
        Assert.Equal(2, pool.NumCachedBlocks);

        // B shares A's first 8 tokens: hits blocks 0 and 1, gets one new block (3).
        int[] b = [0, 1, 2, 3, 4, 5, 6, 7, 100, 101, 102];
        var hit = kv.FindCachedPrefix(Hashes(b), b.Length);
        Assert.Equal([0, 1], Ids(hit));
        Assert.True(kv.AllocateSlots("b", 8, 3, hit));
        Assert.Equal([0, 1, 3], kv.GetBlockIds("b"));
        Assert.Equal([2, 2, 1, 1], new[] { 0, 1, 2, 3 }.Select(i => pool[i].RefCount));
        Assert.Equal([4, 5, 6, 7, 8, 9, 10], pool.FreeQueue.BlockIds());
    }

    [Fact]
    public void Freed_blocks_join_the_queue_tail_first_and_a_later_miss_evicts_in_that_order()
    {
        var kv = new KvCacheManager(11, Bs, true);
        var pool = kv.Pool;
        int[] a = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
        int[] b = [0, 1, 2, 3, 4, 5, 6, 7, 100, 101, 102];
        kv.AllocateSlots("a", 0, a.Length);
        kv.CacheFullBlocks("a", Hashes(a), 10);
        kv.AllocateSlots("b", 8, 3, kv.FindCachedPrefix(Hashes(b), b.Length));

        // Free A: its blocks in reverse (2, 1, 0); only 2 reaches zero.
        kv.Free("a");
        Assert.Equal([4, 5, 6, 7, 8, 9, 10, 2], pool.FreeQueue.BlockIds());
        Assert.Equal(1, pool[0].RefCount);
        // Free B: 3, 1, 0 reach zero in that order; cached 0 and 1 stay reusable at the back.
        kv.Free("b");
        Assert.Equal([4, 5, 6, 7, 8, 9, 10, 2, 3, 1, 0], pool.FreeQueue.BlockIds());
        Assert.Equal(2, pool.NumCachedBlocks);

        // C shares only A's first block: the free cached block 0 is revived out of the queue.
        int[] c = [0, 1, 2, 3, 200, 201, 202, 203, 204, 205, 206, 207];
        var hit = kv.FindCachedPrefix(Hashes(c), c.Length);
        Assert.Equal([0], Ids(hit));
        Assert.True(kv.AllocateSlots("c", 4, 8, hit));
        Assert.Equal([0, 4, 5], kv.GetBlockIds("c"));
        Assert.Equal([6, 7, 8, 9, 10, 2, 3, 1], pool.FreeQueue.BlockIds());

        // D needs 8 new blocks: the whole queue front to back; cached block 1 is evicted last.
        var d = Enumerable.Range(500, 32).ToArray();
        Assert.True(kv.AllocateSlots("d", 0, d.Length));
        Assert.Equal([6, 7, 8, 9, 10, 2, 3, 1], kv.GetBlockIds("d"));
        Assert.Null(pool[1].Hash);
        Assert.Equal(1, pool.NumCachedBlocks);
        Assert.Equal([0], Ids(kv.FindCachedPrefix(Hashes(a), a.Length)));

        // Nothing free: an allocation fails and changes nothing.
        Assert.False(kv.AllocateSlots("e", 0, 1));
        Assert.Empty(kv.GetBlockIds("e"));
        Assert.Equal(11, pool.NumUsedBlocks);
    }

    [Fact]
    public void The_last_prompt_token_is_always_computed()
    {
        var kv = new KvCacheManager(11, Bs, true);
        int[] a = [10, 11, 12, 13, 14, 15, 16, 17];
        kv.AllocateSlots("a", 0, a.Length);
        kv.CacheFullBlocks("a", Hashes(a), 8);

        // The same 8 tokens: both blocks are cached, but only (8 - 1) / 4 = 1 may be used.
        Assert.Equal([0], Ids(kv.FindCachedPrefix(Hashes(a), 8)));
        // One more token: both blocks.
        int[] longer = [.. a, 18];
        Assert.Equal([0, 1], Ids(kv.FindCachedPrefix(Hashes(longer), 9)));
    }

    [Fact]
    public void A_hit_on_free_cached_blocks_counts_them_against_the_free_pool()
    {
        var kv = new KvCacheManager(3, Bs, true);
        int[] a = [1, 2, 3, 4, 5, 6, 7, 8, 9];
        kv.AllocateSlots("a", 0, 9); // blocks 0,1,2
        kv.CacheFullBlocks("a", Hashes(a), 9);
        kv.Free("a"); // queue: 2, 1, 0 (0 and 1 cached)

        // Needs 2 cached blocks (both free) + 2 new blocks = 4 > 3 free: refused, nothing touched.
        int[] b = [1, 2, 3, 4, 5, 6, 7, 8, 50, 51, 52, 53, 54];
        var hit = kv.FindCachedPrefix(Hashes(b), b.Length);
        Assert.Equal([0, 1], Ids(hit));
        Assert.False(kv.AllocateSlots("b", 8, 5, hit));
        Assert.Equal([2, 1, 0], kv.Pool.FreeQueue.BlockIds());
        Assert.All(Enumerable.Range(0, 3), i => Assert.Equal(0, kv.Pool[i].RefCount));
    }

    [Fact]
    public void A_different_salt_misses_the_cache()
    {
        var kv = new KvCacheManager(11, Bs, true);
        int[] a = [1, 2, 3, 4, 5, 6, 7, 8, 9];
        kv.AllocateSlots("a", 0, 9);
        kv.CacheFullBlocks("a", Hashes(a), 9);

        Assert.Equal(2, kv.FindCachedPrefix(Hashes(a), 9).Count);
        Assert.Empty(kv.FindCachedPrefix(Hashes(a, salt: "dataset-b"), 9));
    }

    [Fact]
    public void Two_blocks_with_the_same_content_keep_their_ids_and_only_the_first_is_registered()
    {
        var kv = new KvCacheManager(11, Bs, true);
        int[] a = [1, 2, 3, 4, 5];
        kv.AllocateSlots("a", 0, 5); // 0, 1
        kv.AllocateSlots("b", 0, 5); // 2, 3 (computed in the same step, before A was registered)
        kv.CacheFullBlocks("a", Hashes(a), 5);
        kv.CacheFullBlocks("b", Hashes(a), 5);

        Assert.Equal([2, 3], kv.GetBlockIds("b"));
        Assert.NotNull(kv.Pool[0].Hash);
        Assert.Null(kv.Pool[2].Hash);
        Assert.Equal([0], Ids(kv.FindCachedPrefix(Hashes(a), 5)));
    }

    [Fact]
    public void Freeing_a_block_with_no_reference_is_an_error()
    {
        var pool = new BlockPool(2, enableCaching: true);
        var blocks = pool.Allocate(1);
        pool.Free(blocks);
        Assert.Throws<InvalidOperationException>(() => pool.Free(blocks));
    }
}
