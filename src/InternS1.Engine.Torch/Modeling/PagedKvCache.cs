using TorchSharp;
using static TorchSharp.torch;

namespace InternS1.Engine.Torch.Modeling;

/// <summary>
/// The KV pool: for every layer a key and a value tensor of [NumBlocks x BlockSize, kv_heads, head_dim].
/// Block b holds slots [b x BlockSize, (b+1) x BlockSize); a sequence's position p lives in slot
/// blockTable[p / BlockSize] x BlockSize + p % BlockSize. Owned by the runner, passed to the
/// modules per step (the modules keep no cache state).
/// </summary>
public sealed class PagedKvCache : IDisposable
{
    private readonly Tensor[] _keys;
    private readonly Tensor[] _values;

    /// <summary>Allocates (zeroed) the pool on <paramref name="device"/> (the CPU when null).</summary>
    public PagedKvCache(int numLayers, int numBlocks, int blockSize, int kvHeads, int headDim, ScalarType dtype, Device? device = null)
    {
        if (numBlocks <= 0 || blockSize <= 0)
            throw new ArgumentOutOfRangeException(nameof(numBlocks), $"numBlocks ({numBlocks}) and blockSize ({blockSize}) must be > 0");
        NumBlocks = numBlocks;
        BlockSize = blockSize;
        long slots = (long)numBlocks * blockSize;
        _keys = new Tensor[numLayers];
        _values = new Tensor[numLayers];
        for (var l = 0; l < numLayers; l++)
        {
            _keys[l] = torch.zeros(new[] { slots, kvHeads, headDim }, dtype, device ?? torch.CPU);
            _values[l] = torch.zeros(new[] { slots, kvHeads, headDim }, dtype, device ?? torch.CPU);
        }
        Bytes = 2L * numLayers * slots * kvHeads * headDim * _keys[0].element_size();
    }

    public int NumBlocks { get; }
    public int BlockSize { get; }

    /// <summary>Total bytes of all K and V tensors.</summary>
    public long Bytes { get; }

    /// <summary>[slots, kv_heads, head_dim] keys of <paramref name="layer"/>.</summary>
    public Tensor Keys(int layer) => _keys[layer];

    /// <summary>[slots, kv_heads, head_dim] values of <paramref name="layer"/>.</summary>
    public Tensor Values(int layer) => _values[layer];

    public void Dispose()
    {
        foreach (var t in _keys) t.Dispose();
        foreach (var t in _values) t.Dispose();
    }
}
