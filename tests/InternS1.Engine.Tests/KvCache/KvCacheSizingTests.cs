using InternS1.Engine.Configuration;
using InternS1.Engine.KvCache;
using InternS1.Engine.Tests.Doubles;

namespace InternS1.Engine.Tests.KvCache;

public sealed class KvCacheSizingTests
{
    // PatternRunner: 2 layers, 2 kv heads, head dim 8, 4-byte elements -> 2*2*2*8*4 = 256 bytes per token.
    private static readonly PatternRunner Runner = new(maxModelLength: 100);

    [Fact]
    public void Bytes_per_token_follow_the_formula()
    {
        Assert.Equal(256, Runner.Info.KvBytesPerToken);
        // Intern-S1 (Qwen3-235B-A22B text): 94 layers, 4 kv heads, head dim 128, bf16 = 192,512 bytes per token.
        var big = Runner.Info with { NumLayers = 94, NumKvHeads = 4, HeadDim = 128, KvElementBytes = 2 };
        Assert.Equal(192_512, big.KvBytesPerToken);
    }

    [Fact]
    public void A_byte_budget_gives_whole_blocks()
    {
        var options = new EngineOptions { BlockSize = 4, KvCacheBytes = 10_000 };
        Assert.Equal(9, KvCacheSizing.ComputeNumBlocks(options, Runner.Info)); // 10,000 / 1,024
    }

    [Fact]
    public void A_memory_fraction_is_capped_at_max_num_seqs_full_length_sequences()
    {
        var options = new EngineOptions { BlockSize = 4, KvCacheMemoryFraction = 0.5, MaxNumSeqs = 2 };
        // 0.5 x 1,000,000 / 1,024 = 488 blocks, but 2 sequences x 100 tokens need only 50 blocks.
        Assert.Equal(50, KvCacheSizing.ComputeNumBlocks(options, Runner.Info, availableMemoryBytes: 1_000_000));
        Assert.Equal(9, KvCacheSizing.ComputeNumBlocks(options, Runner.Info, availableMemoryBytes: 20_000)); // 10,000 / 1,024
    }

    [Fact]
    public void A_budget_below_one_block_names_the_setting()
    {
        var options = new EngineOptions { BlockSize = 4, KvCacheBytes = 1000 };
        var ex = Assert.Throws<InvalidOperationException>(() => KvCacheSizing.ComputeNumBlocks(options, Runner.Info));
        Assert.Contains("Engine:KvCacheBytes", ex.Message);
        Assert.Contains("1,024", ex.Message);
    }
}
