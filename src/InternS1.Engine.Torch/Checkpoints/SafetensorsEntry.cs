namespace InternS1.Engine.Torch.Checkpoints;

/// <summary>A tensor to write: its header facts and a producer of its raw little-endian bytes,
/// called once while writing (so a writer holds one tensor's data at a time).</summary>
public sealed record SafetensorsEntry(string Name, SafetensorsDtype Dtype, long[] Shape, Func<ReadOnlyMemory<byte>> Data)
{
    public long ByteLength => Shape.Aggregate(1L, (a, b) => a * b) * Dtype.ElementSize();
}
