using InternS1.Engine.KvCache;
using InternS1.Engine.Requests;

namespace InternS1.Engine.Tests.KvCache;

public sealed class BlockHasherTests
{
    private static MultimodalInput Image(string hash, int offset, int length) => new()
    {
        Kind = MediaKind.Image, ContentHash = hash, Offset = offset, Length = length, NumTiles = 1, PixelValues = ReadOnlyMemory<float>.Empty,
    };

    [Fact]
    public void Equal_inputs_give_equal_hashes_and_every_input_changes_the_hash()
    {
        int[] tokens = [5, 6, 7, 8];
        var root = BlockHasher.Hash(null, 0, tokens, [], null);
        Assert.Equal(root, BlockHasher.Hash(null, 0, [5, 6, 7, 8], [], null));

        Assert.NotEqual(root, BlockHasher.Hash(null, 0, [5, 6, 7, 9], [], null));
        Assert.NotEqual(root, BlockHasher.Hash(null, 0, tokens, [], "salt"));
        Assert.NotEqual(root, BlockHasher.Hash(root, 4, tokens, [], null));

        var second = BlockHasher.Hash(root, 4, tokens, [], null);
        var otherParent = BlockHasher.Hash(null, 0, [1, 1, 1, 1], [], null);
        Assert.NotEqual(second, BlockHasher.Hash(otherParent, 4, tokens, [], null));
    }

    [Fact]
    public void Media_counts_only_when_its_run_overlaps_the_block()
    {
        int[] tokens = [9, 9, 9, 9];
        var plain = BlockHasher.Hash(null, 4, tokens, [], null);
        var imgA = BlockHasher.Hash(null, 4, tokens, [Image("a", 6, 4)], null);
        var imgB = BlockHasher.Hash(null, 4, tokens, [Image("b", 6, 4)], null);

        Assert.NotEqual(plain, imgA);
        Assert.NotEqual(imgA, imgB);
        Assert.Equal(plain, BlockHasher.Hash(null, 4, tokens, [Image("a", 8, 4)], null)); // starts after the block
        Assert.Equal(plain, BlockHasher.Hash(null, 4, tokens, [Image("a", 0, 4)], null)); // ends before it
    }
}
